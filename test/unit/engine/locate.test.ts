import { describe, expect, it } from '@jest/globals';
import { resolveEngineConfig } from '../../../lambda/engine/config.js';
import type { OutsideFill } from '../../../lambda/engine/models/crop.js';
import type { Detection } from '../../../lambda/engine/models/face-detector.js';
import { locateFaces } from '../../../lambda/engine/pipeline.js';
import type { RawImage } from '../../../lambda/engine/types.js';

const SIDE_PX = 200;
const image: RawImage = {
  width: SIDE_PX,
  height: SIDE_PX,
  channels: 3,
  data: new Uint8Array(SIDE_PX * SIDE_PX * 3).fill(90),
};

/**
 * Models that find one sure face (BlazeFace) where `box` says, and a verifier that only accepts a
 * crop with the photo mirrored past its border, as FaceMesh does for many half faces. Records the
 * fills the verifier was asked for.
 */
function fakeModels(box: Detection['box']) {
  const fills: OutsideFill[] = [];
  const none = async (): Promise<Detection[]> => [];
  return {
    fills,
    models: {
      blazeface: { predict: async () => [{ box, score: 0.95 }], dispose: () => undefined },
      detector: { predict: none, dispose: () => undefined },
      verifier: {
        predict: async (
          _region: unknown,
          boxes: readonly unknown[],
          _margin: number,
          outside?: OutsideFill,
        ) => {
          fills.push(outside ?? 'zero');
          return boxes.map(() => (outside === 'reflect' ? 0.9 : 0.1));
        },
        dispose: () => undefined,
      },
      landmarker: {
        predict: async (_region: unknown, boxes: readonly unknown[]) =>
          boxes.map(() => Array.from({ length: 68 }, (_, i) => ({ x: 60 + (i % 10) * 4, y: 60 + i }))),
        dispose: () => undefined,
      },
    },
  };
}

describe('locateFaces: verification of faces cut by the border', () => {
  // A box whose left part lies past the photo's left edge (BlazeFace boxes may leave the image).
  const cutBox = { x: -40, y: 50, width: 100, height: 100 };
  const insideBox = { x: 50, y: 50, width: 100, height: 100 };

  it('verifies a box at the border again with the photo mirrored across it', async () => {
    const { models, fills } = fakeModels(cutBox);
    const located = await locateFaces(models, resolveEngineConfig({}), image);
    expect(located.faces).toHaveLength(1);
    expect(fills).toContain('reflect');
  });

  it('drops the same box when mirroring is off', async () => {
    const { models } = fakeModels(cutBox);
    const config = resolveEngineConfig({ verifyMirroredAtBorder: false });
    expect((await locateFaces(models, config, image)).faces).toHaveLength(0);
  });

  it('never mirrors for a box inside the photo (nothing past the border to fill)', async () => {
    const { models, fills } = fakeModels(insideBox);
    const located = await locateFaces(models, resolveEngineConfig({}), image);
    expect(located.faces).toHaveLength(0);
    expect(fills.length).toBeGreaterThan(0);
    expect(fills).not.toContain('reflect');
  });
});
