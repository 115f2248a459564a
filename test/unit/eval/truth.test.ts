import { paint } from '../../../scripts/eval/perturb.js';
import { integrityTruth, matchFace, partPolygon, visibleShare } from '../../../scripts/eval/truth.js';
import { syntheticFace } from '../measures/synthetic-face.js';

describe('evaluation truth from landmarks', () => {
  const face = syntheticFace({ width: 400, height: 420, cx: 200, cy: 220, iodPx: 120 });
  const { width, height } = face.image;

  it('a part is fully visible without a mask and invisible under one that covers it', () => {
    const polygon = partPolygon(face.landmarks, 'mouth');
    const none = new Uint8Array(width * height);
    expect(visibleShare(polygon, none, width, height)).toBe(1);
    const all = new Uint8Array(width * height).fill(1);
    expect(visibleShare(polygon, all, width, height)).toBe(0);
  });

  it('covering the left half of the image hides about half of a centred mouth', () => {
    const polygon = partPolygon(face.landmarks, 'mouth');
    const xs = polygon.map((p) => p.x);
    const mid = (Math.min(...xs) + Math.max(...xs)) / 2;
    const mask = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < Math.round(mid); x++) mask[y * width + x] = 1;
    expect(visibleShare(polygon, mask, width, height)).toBeGreaterThan(0.4);
    expect(visibleShare(polygon, mask, width, height)).toBeLessThan(0.6);
  });

  it('integrity truth is 1 inside the image and about 1/2 when cut through the middle', () => {
    expect(integrityTruth(face.landmarks, width, height)).toBeCloseTo(1, 6);
    const xs = face.landmarks.map((p) => p.x);
    const moved = face.landmarks.map((p) => ({ x: p.x - (Math.min(...xs) + Math.max(...xs)) / 2, y: p.y }));
    const cut = integrityTruth(moved, width, height);
    expect(cut).toBeGreaterThan(0.4);
    expect(cut).toBeLessThan(0.6);
  });

  it('matches the answered face that overlaps the truth landmarks, not another one', () => {
    const xs = face.landmarks.map((p) => p.x);
    const ys = face.landmarks.map((p) => p.y);
    const rect = {
      left: Math.min(...xs),
      top: Math.min(...ys),
      right: Math.max(...xs),
      bottom: Math.max(...ys),
    };
    const base = {
      pose: { yaw: 0, pitch: 0, roll: 0 },
      occlusion: { left_eye: 1, right_eye: 1, nose: 1, mouth: 1, total: 1 },
      distance2center: 1,
      size: 0.1,
      brightness: 0,
      sharpness: 1,
      mouth_open: 1,
      integrity: 1,
    };
    const other = { ...base, rect: { left: 0, top: 0, right: 5, bottom: 5 } };
    const mine = { ...base, rect };
    expect(matchFace([other, mine], face.landmarks, width, height)).toBe(mine);
    expect(matchFace([other], face.landmarks, width, height)).toBeUndefined();
  });

  it('paint changes exactly the masked pixels', () => {
    const mask = new Uint8Array(width * height);
    mask[0] = 1;
    const out = paint(face.image, mask, () => [1, 2, 3]);
    expect([...out.data.subarray(0, 3)]).toEqual([1, 2, 3]);
    expect(out.data.subarray(3)).toEqual(face.image.data.subarray(3));
  });
});
