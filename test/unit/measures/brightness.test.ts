import {
  BRIGHTNESS_TYPICAL_LUMA,
  brightnessFromLuma,
  measureBrightness,
} from '../../../lambda/engine/measures/brightness.js';
import { scaleIntensity, syntheticFace } from './synthetic-face.js';

describe('measureBrightness', () => {
  const spec = { width: 400, height: 420, cx: 200, cy: 220, iodPx: 120 };
  const face = syntheticFace(spec);

  test('darkening lowers it and brightening raises it', () => {
    const base = measureBrightness(face);
    const darker = measureBrightness({ ...face, image: scaleIntensity(face.image, 0.5) });
    const darkest = measureBrightness({ ...face, image: scaleIntensity(face.image, 0.1) });
    const brighter = measureBrightness({ ...face, image: scaleIntensity(face.image, 1.15) });
    expect(darker).toBeLessThan(base);
    expect(darkest).toBeLessThan(darker);
    expect(darkest).toBeLessThan(-0.8);
    expect(brighter).toBeGreaterThan(base);
  });

  test('pixel values x0.6 lower it by about the 0.37 that 0.74 stops make', () => {
    const base = measureBrightness(face);
    const darker = measureBrightness({ ...face, image: scaleIntensity(face.image, 0.6) });
    expect(base - darker).toBeGreaterThan(0.3);
    expect(base - darker).toBeLessThan(0.45);
  });

  test('a dark skin tone in good light reads brighter than a light one under-exposed (one threshold for everyone)', () => {
    const darkSkin = syntheticFace({ ...spec, skin: [96, 62, 44] });
    const lightUnder = { ...face, image: scaleIntensity(face.image, 0.6) };
    expect(measureBrightness(darkSkin)).toBeGreaterThan(measureBrightness(lightUnder));
  });

  test('the skin still counts: a darker face on the same background reads darker', () => {
    const dim = syntheticFace({ ...spec, skin: [102, 77, 62] });
    expect(measureBrightness(dim)).toBeLessThan(measureBrightness(face));
  });

  test('anchors and degenerate inputs', () => {
    expect(brightnessFromLuma(BRIGHTNESS_TYPICAL_LUMA)).toBe(0);
    expect(brightnessFromLuma(BRIGHTNESS_TYPICAL_LUMA / 4)).toBeCloseTo(-1, 10);
    expect(brightnessFromLuma(BRIGHTNESS_TYPICAL_LUMA / 8)).toBe(-1);
    expect(brightnessFromLuma(BRIGHTNESS_TYPICAL_LUMA * 4)).toBeCloseTo(1, 10);
    expect(brightnessFromLuma(Number.NaN)).toBe(0);
    const white = {
      ...face,
      image: { ...face.image, data: new Uint8Array(face.image.data.length).fill(255) },
    };
    expect(measureBrightness(white)).toBeGreaterThan(measureBrightness(face));
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
