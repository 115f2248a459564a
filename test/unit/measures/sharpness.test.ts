import { measureSharpness, sharpnessFromBlur } from '../../../lambda/engine/measures/sharpness.js';
import { faceBox, gaussianBlur, syntheticFace, syntheticLandmarks } from './synthetic-face.js';

describe('measureSharpness', () => {
  const big = syntheticFace({ width: 520, height: 560, cx: 260, cy: 300, iodPx: 170 });

  test('blur lowers sharpness, monotonically in sigma', async () => {
    const sharp = measureSharpness(big);
    const soft = measureSharpness({ ...big, image: await gaussianBlur(big.image, 1.5) });
    const blurred = measureSharpness({ ...big, image: await gaussianBlur(big.image, 3) });
    expect(sharp).toBeGreaterThan(0.6);
    expect(soft).toBeLessThan(sharp);
    expect(blurred).toBeLessThan(soft);
    expect(blurred).toBeLessThan(sharp / 2);
  });

  test('a small sharp face is not penalised for its size', async () => {
    const small = syntheticFace({ width: 120, height: 130, cx: 60, cy: 70, iodPx: 34 });
    const blurredBig = measureSharpness({ ...big, image: await gaussianBlur(big.image, 3) });
    expect(measureSharpness(small)).toBeGreaterThan(0.6);
    expect(measureSharpness(small)).toBeGreaterThan(blurredBig);
  });

  test('a flat image scores 0 and degenerate inputs stay in range', () => {
    const flat = { ...big, image: { ...big.image, data: new Uint8Array(big.image.data.length).fill(128) } };
    expect(measureSharpness(flat)).toBe(0);
    const offImage = syntheticLandmarks({ width: 100, height: 100, cx: -500, cy: -500, iodPx: 50 });
    const cases = [
      { ...big, landmarks: offImage, box: faceBox(offImage) },
      { ...big, landmarks: big.landmarks.map(() => ({ x: 10, y: 10 })) },
      { ...big, landmarks: big.landmarks.map(() => ({ x: Number.NaN, y: 3 })) },
      { ...big, landmarks: big.landmarks.slice(0, 5) },
      {
        image: { width: 1, height: 1, channels: 3 as const, data: new Uint8Array(3) },
        landmarks: big.landmarks,
        box: big.box,
      },
    ];
    for (const input of cases) {
      const s = measureSharpness(input);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    }
  });

  test('the blur-to-sharpness mapping is decreasing and clamped', () => {
    expect(sharpnessFromBlur(0)).toBe(1);
    expect(sharpnessFromBlur(1)).toBe(0);
    expect(sharpnessFromBlur(0.4)).toBeGreaterThan(sharpnessFromBlur(0.5));
    expect(sharpnessFromBlur(Number.NaN)).toBe(0);
  });
});
