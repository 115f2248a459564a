import {
  faceRegionRect,
  faceRegionScale,
  IOD_PER_BOX_WIDTH,
  planRegion,
  REGION_SIDE_PER_BOX,
} from '../../../lambda/engine/regions.js';

const CONFIG = { regionMinIodPx: 160 };

describe('face regions', () => {
  test('a face region is a square around the box, clamped to the photo', () => {
    const box = { x: 400, y: 300, width: 100, height: 140 };
    const side = REGION_SIDE_PER_BOX * 140;
    expect(faceRegionRect(box, 2000, 2000)).toEqual({
      x: 450 - side / 2,
      y: 370 - side / 2,
      width: side,
      height: side,
    });
    expect(faceRegionRect({ x: -50, y: -50, width: 100, height: 100 }, 300, 200)).toEqual({
      x: 0,
      y: 0,
      width: 100,
      height: 100,
    });
    expect(faceRegionRect({ x: 500, y: 0, width: 10, height: 10 }, 300, 200)).toBeNull();
  });

  test('a large face is shrunk to the configured IOD; a small one stays at full resolution', () => {
    const large = { x: 0, y: 0, width: 1000, height: 1300 };
    expect(faceRegionScale(large, CONFIG) * IOD_PER_BOX_WIDTH * 1000).toBeCloseTo(160, 9);
    expect(faceRegionScale({ x: 0, y: 0, width: 50, height: 60 }, CONFIG)).toBe(1);
  });

  test('several faces share one region at the finest scale any of them needs', () => {
    const plan = planRegion(
      [
        { x: 100, y: 100, width: 1000, height: 1300 },
        { x: 2500, y: 400, width: 200, height: 260 },
      ],
      4000,
      3000,
      CONFIG,
    );
    expect(plan?.scale).toBe(1);
    expect(plan?.rect.x).toBe(0);
    expect(plan?.rect.x ?? 0 + (plan?.rect.width ?? 0)).toBeLessThanOrEqual(4000);
    expect(planRegion([], 4000, 3000, CONFIG)).toBeNull();
  });
});
