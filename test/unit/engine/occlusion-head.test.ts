import { centroid, regionPoints } from '../../../lambda/engine/landmarks.js';
import {
  OCCLUSION_HEAD_CHANNELS,
  OCCLUSION_HEAD_FRAME_SCALE,
  OCCLUSION_HEAD_INPUT_PX,
  occlusionHeadInput,
} from '../../../lambda/engine/models/occlusion-head.js';
import { syntheticFace } from '../measures/synthetic-face.js';

const SIZE = OCCLUSION_HEAD_INPUT_PX;
const C = OCCLUSION_HEAD_CHANNELS;

/** Centre (crop pixels) of the pixels set in one mask channel; NaN when none is set. */
function maskCentre(x: Float32Array, channel: number): { x: number; y: number; n: number } {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = 0; y < SIZE; y++)
    for (let xx = 0; xx < SIZE; xx++)
      if ((x[(y * SIZE + xx) * C + channel] ?? 0) > 0) {
        sx += xx;
        sy += y;
        n++;
      }
  return { x: sx / n, y: sy / n, n };
}

describe('occlusionHeadInput', () => {
  const face = syntheticFace({ width: 400, height: 420, cx: 200, cy: 220, iodPx: 120 });

  test('RGB in [0, 1] and one mask channel per part where the part lies', () => {
    const x = occlusionHeadInput(face);
    if (x === null) throw new Error('no input');
    expect(x.length).toBe(SIZE * SIZE * C);
    expect(Math.min(...x)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
    const [leftEye, rightEye, nose, mouth] = [3, 4, 5, 6].map((c) => maskCentre(x, c));
    if (leftEye === undefined || rightEye === undefined || nose === undefined || mouth === undefined)
      throw new Error('missing channel');
    for (const part of [leftEye, rightEye, nose, mouth]) expect(part.n).toBeGreaterThan(4);
    // The subject's left eye is on the image's right; nose between the eyes and the mouth.
    expect(leftEye.x).toBeGreaterThan(rightEye.x);
    expect(nose.y).toBeGreaterThan(leftEye.y);
    expect(mouth.y).toBeGreaterThan(nose.y);
    // The crop is the landmarks' square grown by OCCLUSION_HEAD_FRAME_SCALE: the left eye lands where that puts it.
    const xs = face.landmarks.map((p) => p.x);
    const ys = face.landmarks.map((p) => p.y);
    const side =
      OCCLUSION_HEAD_FRAME_SCALE *
      Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
    const x0 = (Math.max(...xs) + Math.min(...xs)) / 2 - side / 2;
    const eye = centroid(regionPoints(face.landmarks, 'subjectLeftEye'));
    expect(Math.abs(leftEye.x - ((eye.x - x0) * SIZE) / side)).toBeLessThan(1.5);
  });

  test('a framed region gives the same input as the whole photo', () => {
    const whole = occlusionHeadInput(face);
    const region = {
      ...face,
      image: {
        width: 300,
        height: 320,
        channels: 3 as const,
        data: new Uint8Array(300 * 320 * 3).map((_, i) => {
          const px = Math.floor(i / 3);
          const x = (px % 300) + 50;
          const y = Math.floor(px / 300) + 50;
          return face.image.data[(y * 400 + x) * 3 + (i % 3)] ?? 0;
        }),
      },
      frame: { widthPx: 400, heightPx: 420, originX: 50, originY: 50, scale: 1 },
    };
    const framed = occlusionHeadInput(region);
    if (whole === null || framed === null) throw new Error('no input');
    let maxDiff = 0;
    for (let i = 0; i < whole.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs((whole[i] ?? 0) - (framed[i] ?? 0)));
    expect(maxDiff).toBeLessThan(1e-5);
  });

  test('no input without 68 usable landmarks', () => {
    expect(occlusionHeadInput({ ...face, landmarks: [] })).toBeNull();
    expect(
      occlusionHeadInput({ ...face, landmarks: face.landmarks.map(() => ({ x: Number.NaN, y: 0 })) }),
    ).toBeNull();
  });
});
