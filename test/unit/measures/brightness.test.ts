import { brightnessFromLuma, measureBrightness } from '../../../lambda/engine/measures/brightness.js';
import { scaleIntensity, syntheticFace } from './synthetic-face.js';

describe('measureBrightness', () => {
  const face = syntheticFace({ width: 400, height: 420, cx: 200, cy: 220, iodPx: 120 });

  test('darkening lowers it and brightening raises it', () => {
    const base = measureBrightness(face);
    const darker = measureBrightness({ ...face, image: scaleIntensity(face.image, 0.5) });
    const darkest = measureBrightness({ ...face, image: scaleIntensity(face.image, 0.1) });
    const brighter = measureBrightness({ ...face, image: scaleIntensity(face.image, 1.4) });
    expect(darker).toBeLessThan(base);
    expect(darkest).toBeLessThan(darker);
    expect(darkest).toBeLessThan(-0.8);
    expect(brighter).toBeGreaterThan(base);
  });

  test('a well exposed skin tone sits near 0 and a blown-out face near +1', () => {
    expect(Math.abs(measureBrightness(face))).toBeLessThan(0.5);
    const white = {
      ...face,
      image: { ...face.image, data: new Uint8Array(face.image.data.length).fill(255) },
    };
    expect(measureBrightness(white)).toBe(1);
  });

  test('it measures the face, not the background', () => {
    const onBlack = syntheticFace({
      width: 400,
      height: 420,
      cx: 200,
      cy: 220,
      iodPx: 120,
      background: [0, 0, 0],
    });
    const onWhite = syntheticFace({
      width: 400,
      height: 420,
      cx: 200,
      cy: 220,
      iodPx: 120,
      background: [255, 255, 255],
    });
    expect(Math.abs(measureBrightness(onBlack) - measureBrightness(onWhite))).toBeLessThan(0.02);
  });

  test('anchors and degenerate inputs', () => {
    expect(brightnessFromLuma(16)).toBe(-1);
    expect(brightnessFromLuma(128)).toBe(0);
    expect(brightnessFromLuma(240)).toBe(1);
    expect(brightnessFromLuma(Number.NaN)).toBe(0);
    const cases = [
      {
        ...face,
        landmarks: face.landmarks.map((p) => ({ x: p.x + 5000, y: p.y })),
        box: { ...face.box, x: 5000 },
      },
      { ...face, landmarks: face.landmarks.map(() => ({ x: 200, y: 200 })) },
      { ...face, landmarks: [] },
      { ...face, box: { x: Number.NaN, y: 0, width: 10, height: 10 }, landmarks: [] },
    ];
    for (const input of cases) {
      const b = measureBrightness(input);
      expect(Number.isFinite(b)).toBe(true);
      expect(Math.abs(b)).toBeLessThanOrEqual(1);
    }
  });
});
