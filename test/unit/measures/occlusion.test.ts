import { measureOcclusion, type PartName } from '../../../lambda/engine/measures/occlusion.js';
import { MIN_CHROMA_SUM } from '../../../lambda/engine/measures/pixels/chroma.js';
import { pick } from '../../../lambda/engine/measures/pixels/face-frame.js';
import { convexHull, growPolygon } from '../../../lambda/engine/measures/pixels/polygon.js';
import type { Occlusion } from '../../../lambda/engine/types.js';
import { DEFAULT_SKIN, paintPolygon, type Rgb, scaleIntensity, syntheticFace } from './synthetic-face.js';

const IOD = 120;
const face = syntheticFace({ width: 420, height: 440, cx: 210, cy: 230, iodPx: IOD });
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const PART_POINTS: Record<PartName, number[]> = {
  left_eye: range(42, 47),
  right_eye: range(36, 41),
  nose: range(27, 35),
  mouth: range(48, 67),
};
const PARTS = Object.keys(PART_POINTS) as PartName[];

/** The face with a flat patch covering `part` generously (like a mask or a sticker would). */
function patched(part: PartName, rgb: Rgb) {
  const hull = convexHull(pick(face.landmarks, PART_POINTS[part]));
  return { ...face, image: paintPolygon(face.image, growPolygon(hull, 0.2 * IOD), rgb) };
}

function expectInRange(o: Occlusion): void {
  for (const v of Object.values(o)) {
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
  }
}

describe('measureOcclusion', () => {
  const clean = measureOcclusion(face);

  test('an unoccluded face is fully visible', () => {
    for (const part of PARTS) expect(clean[part]).toBeGreaterThan(0.9);
    expect(clean.total).toBeGreaterThan(0.9);
  });

  test.each(
    PARTS.flatMap((part) => [
      [part, 'grey', [128, 128, 128] as Rgb],
      [part, 'blue', [70, 110, 170] as Rgb],
      [part, 'black', [20, 20, 22] as Rgb],
    ]),
  )('a flat %s patch (%s) lowers that part and total only', (part, _name, rgb) => {
    const o = measureOcclusion(patched(part as PartName, rgb as Rgb));
    expectInRange(o);
    expect(o[part as PartName]).toBeLessThan(0.3);
    expect(o.total).toBeLessThan(clean.total - 0.1);
    for (const other of PARTS.filter((p) => p !== part)) expect(o[other]).toBeGreaterThan(0.85);
  });

  test('a flat skin-coloured patch (a pale mask on pale skin) still hides the lips and nostrils', () => {
    const mouth = measureOcclusion(patched('mouth', DEFAULT_SKIN));
    expect(mouth.mouth).toBeLessThan(0.3);
    expect(mouth.left_eye).toBeGreaterThan(0.85);
    const hull = convexHull(pick(face.landmarks, range(31, 35)));
    const nose = measureOcclusion({
      ...face,
      image: paintPolygon(face.image, growPolygon(hull, 0.15 * IOD), DEFAULT_SKIN),
    });
    expect(nose.nose).toBeLessThan(clean.nose - 0.3);
    expect(nose.mouth).toBeGreaterThan(0.85);
  });

  test('uniform darkening (exposure) does not read as occlusion', () => {
    const o = measureOcclusion({ ...face, image: scaleIntensity(face.image, 0.45) });
    for (const part of PARTS) expect(o[part]).toBeGreaterThan(0.85);
  });

  test('an open mouth is not an occluded mouth', () => {
    const open = syntheticFace({ width: 420, height: 440, cx: 210, cy: 230, iodPx: IOD, mouthGap: 0.35 });
    expect(measureOcclusion(open).mouth).toBeGreaterThan(0.9);
  });

  test('a face half outside the image: the part out of frame is not visible, the rest still is', () => {
    const cut = { ...face, landmarks: face.landmarks.map((p) => ({ x: p.x - 210, y: p.y })) };
    const o = measureOcclusion(cut);
    expectInRange(o);
    // Centre of the face on the left border: the subject's left eye (image right) is in the image,
    // the right eye is out of frame, nose and mouth are about half in.
    expect(o.left_eye).toBeGreaterThan(0.85);
    expect(o.right_eye).toBeLessThan(0.1);
    expect(o.total).toBeLessThan(0.75);
    expect(o.total).toBeGreaterThan(0.25);
  });

  test('a face entirely outside the image has nothing visible', () => {
    const gone = { ...face, landmarks: face.landmarks.map((p) => ({ x: p.x + 1e4, y: p.y })) };
    expect(measureOcclusion(gone)).toEqual({ left_eye: 0, right_eye: 0, nose: 0, mouth: 0, total: 0 });
  });

  test('degenerate inputs stay in range', () => {
    const tiny = { width: 1, height: 1, channels: 3 as const, data: new Uint8Array([200, 150, 120]) };
    const cases = [
      { ...face, landmarks: face.landmarks.map(() => ({ x: 100, y: 100 })) },
      { ...face, landmarks: face.landmarks.map((p) => ({ x: p.x + 1e4, y: p.y })) },
      { ...face, image: tiny },
      { ...face, image: { ...face.image, data: new Uint8Array(face.image.data.length) } },
    ];
    for (const input of cases) expectInRange(measureOcclusion(input));
  });

  test('landmarks that are not 68 finite points are rejected, not reported as visible', () => {
    expect(() => measureOcclusion({ ...face, landmarks: [] })).toThrow(RangeError);
    const nan = face.landmarks.map((p) => ({ x: p.x, y: Number.NaN }));
    expect(() => measureOcclusion({ ...face, landmarks: nan })).toThrow(RangeError);
  });
});

describe('measureOcclusion on a face too dark for a skin model', () => {
  // At 8 % exposure no skin pixel reaches R+G+B = MIN_CHROMA_SUM (60), so there is no skin model.
  const DIM = 0.08;
  const dim = (input: typeof face) => ({ ...input, image: scaleIntensity(input.image, DIM) });

  test('a black face is not reported as visible', () => {
    const o = measureOcclusion({ ...face, image: scaleIntensity(face.image, 0) });
    expectInRange(o);
    for (const v of Object.values(o)) expect(v).toBeLessThan(0.1);
  });

  test('a dim but detailed face is still judged visible, on luma and texture', () => {
    const { data } = dim(face).image;
    let brightestSum = 0;
    for (let i = 0; i < data.length; i += 3) {
      brightestSum = Math.max(brightestSum, (data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0));
    }
    // Not even the sclera reaches a usable chromaticity: this face has no skin model.
    expect(brightestSum).toBeLessThan(MIN_CHROMA_SUM);
    const o = measureOcclusion(dim(face));
    expectInRange(o);
    for (const part of PARTS) expect(o[part]).toBeGreaterThan(0.85);
  });

  test('visibility fades as the face goes black', () => {
    const totals = [DIM, 0.05, 0.02, 0].map(
      (f) => measureOcclusion({ ...face, image: scaleIntensity(face.image, f) }).total,
    );
    for (let i = 1; i < totals.length; i++) expect(totals[i]).toBeLessThan(totals[i - 1] ?? 0);
  });

  test.each(PARTS)('a dark patch over the %s of a dim face still lowers that part only', (part) => {
    const o = measureOcclusion(dim(patched(part, [20, 20, 22])));
    expectInRange(o);
    expect(o[part]).toBeLessThan(0.3);
    for (const other of PARTS.filter((p) => p !== part)) expect(o[other]).toBeGreaterThan(0.85);
  });
});
