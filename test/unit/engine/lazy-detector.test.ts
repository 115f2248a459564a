import { describe, expect, it } from '@jest/globals';
import type { Detection, FaceDetector } from '../../../lambda/engine/models/face-detector.js';
import { lazyFaceDetector } from '../../../lambda/engine/models/loader.js';

const image = { width: 1, height: 1, channels: 3 as const, data: new Uint8Array(3) };
const options = { minScore: 0.5, iouThreshold: 0.5 };
const found: Detection[] = [{ box: { x: 1, y: 2, width: 3, height: 4 }, score: 0.9 }];

/** A detector that counts its predictions and whether it was disposed. */
function fakeDetector(): FaceDetector & { calls: number; disposed: boolean } {
  const d = {
    calls: 0,
    disposed: false,
    predict: async () => {
      d.calls++;
      return found;
    },
    dispose: () => {
      d.disposed = true;
    },
  };
  return d;
}

describe('lazyFaceDetector', () => {
  it('loads once, on the first prediction, shared by concurrent callers', async () => {
    const inner = fakeDetector();
    let loads = 0;
    const lazy = lazyFaceDetector(async () => {
      loads++;
      return inner;
    });
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([lazy.predict(image, options), lazy.predict(image, options)]);
    expect([a, b]).toEqual([found, found]);
    expect(loads).toBe(1);
    expect(inner.calls).toBe(2);
    lazy.dispose();
    await Promise.resolve();
    expect(inner.disposed).toBe(true);
    await expect(lazy.predict(image, options)).rejects.toThrow('disposed');
  });

  it('retries a failed load on the next call', async () => {
    let loads = 0;
    const lazy = lazyFaceDetector(async () => {
      loads++;
      if (loads === 1) throw new Error('weights missing');
      return fakeDetector();
    });
    await expect(lazy.predict(image, options)).rejects.toThrow('weights missing');
    await expect(lazy.predict(image, options)).resolves.toEqual(found);
    expect(loads).toBe(2);
  });

  it('loads nothing when disposed before any prediction', () => {
    let loads = 0;
    const lazy = lazyFaceDetector(async () => {
      loads++;
      return fakeDetector();
    });
    lazy.dispose();
    expect(loads).toBe(0);
  });
});
