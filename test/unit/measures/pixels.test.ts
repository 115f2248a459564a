import { fitSkinModel } from '../../../lambda/engine/measures/pixels/chroma.js';
import { localLumaStd } from '../../../lambda/engine/measures/pixels/local-contrast.js';
import {
  convexHull,
  forEachPolygonSpan,
  polygonArea,
  polygonPixelCount,
} from '../../../lambda/engine/measures/pixels/polygon.js';
import { reblurBlur } from '../../../lambda/engine/measures/pixels/reblur.js';
import { clipBox, resampleRegion } from '../../../lambda/engine/measures/pixels/resample.js';
import type { RawImage } from '../../../lambda/engine/types.js';

const square = (x: number, y: number, side: number) => [
  { x, y },
  { x: x + side, y },
  { x: x + side, y: y + side },
  { x, y: y + side },
];

describe('polygon rasterisation', () => {
  test('covers exactly the pixels whose centres are inside, clipped to the grid', () => {
    expect(polygonPixelCount(square(2, 3, 10), 100, 100)).toBe(100);
    expect(polygonPixelCount(square(-5, -5, 10), 100, 100)).toBe(25);
    expect(polygonPixelCount(square(200, 200, 10), 100, 100)).toBe(0);
    const triangle = [
      { x: 0, y: 0 },
      { x: 40, y: 0 },
      { x: 0, y: 40 },
    ];
    expect(Math.abs(polygonPixelCount(triangle, 100, 100) - polygonArea(triangle))).toBeLessThan(25);
  });

  test('degenerate polygons cover nothing and never throw', () => {
    expect(polygonPixelCount([], 10, 10)).toBe(0);
    expect(polygonPixelCount(square(1, 1, 0), 10, 10)).toBe(0);
    expect(polygonPixelCount([{ x: Number.NaN, y: 0 }, ...square(0, 0, 5)], 10, 10)).toBe(0);
    let visited = 0;
    forEachPolygonSpan(square(0, 0, 5), 0, 0, () => visited++);
    expect(visited).toBe(0);
  });

  test('convex hull drops interior and non-finite points', () => {
    const hull = convexHull([...square(0, 0, 10), { x: 5, y: 5 }, { x: Number.POSITIVE_INFINITY, y: 1 }]);
    expect(hull).toHaveLength(4);
    expect(polygonArea(hull)).toBe(100);
  });
});

describe('area resampling', () => {
  const image: RawImage = {
    width: 4,
    height: 2,
    channels: 3,
    data: new Uint8Array([
      0, 0, 0, 100, 100, 100, 200, 0, 0, 0, 0, 0, 0, 0, 0, 100, 100, 100, 200, 0, 0, 0, 0, 0,
    ]),
  };

  test('averages every source pixel into one cell and never enlarges', () => {
    const half = resampleRegion(image, { x: 0, y: 0, width: 4, height: 2 }, 0.5);
    expect(half?.width).toBe(2);
    expect(Array.from(half?.rgb ?? [])).toEqual([50, 50, 50, 100, 0, 0]);
    expect(resampleRegion(image, { x: 0, y: 0, width: 4, height: 2 }, 3)?.width).toBe(4);
  });

  test('clips to the image and returns null outside it', () => {
    expect(clipBox({ x: -2, y: 1.5, width: 3, height: 9 }, 4, 2)).toEqual({
      x: 0,
      y: 1,
      width: 1,
      height: 1,
    });
    expect(resampleRegion(image, { x: 10, y: 0, width: 3, height: 3 }, 1)).toBeNull();
    expect(resampleRegion(image, { x: Number.NaN, y: 0, width: 3, height: 3 }, 1)).toBeNull();
  });
});

describe('re-blur metric', () => {
  test('a step edge is crisp, its blurred version less so, a flat plane fully blurred', () => {
    const width = 40;
    const height = 8;
    const step = new Float32Array(width * height).map((_, i) => (i % width < 20 ? 0 : 200));
    const ramp = new Float32Array(width * height).map((_, i) =>
      Math.min(200, Math.max(0, ((i % width) - 10) * 10)),
    );
    expect(reblurBlur({ width, height, luma: step })).toBeLessThan(reblurBlur({ width, height, luma: ramp }));
    expect(reblurBlur({ width, height, luma: new Float32Array(width * height) })).toBe(1);
    expect(reblurBlur({ width: 1, height: 1, luma: new Float32Array(1) })).toBe(1);
  });
});

describe('skin model and local contrast', () => {
  const pixels = (rgb: readonly number[], n: number) => {
    const data = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) data.set(rgb, i * 3);
    return { rgb: data, count: n };
  };

  test('each region votes once, so a large covered region cannot outvote two skin regions', () => {
    const skin = [200, 150, 120];
    const model = fitSkinModel([pixels([60, 60, 70], 1000), pixels(skin, 50), pixels(skin, 50)]);
    expect(model?.r).toBeCloseTo(200 / 470, 2);
    expect(model?.luma).toBeCloseTo(0.299 * 200 + 0.587 * 150 + 0.114 * 120, 0);
    expect(fitSkinModel([pixels([5, 5, 5], 100)])).toBeNull();
  });

  test('local luma std is zero on flat areas and large across an edge', () => {
    const width = 10;
    const rgb = new Float32Array(width * width * 3).map((_, i) => (Math.floor(i / 3) % width < 5 ? 0 : 255));
    const std = localLumaStd({ width, height: width, originX: 0, originY: 0, scale: 1, rgb }, 1);
    expect(std[0]).toBe(0);
    expect(std[4]).toBeGreaterThan(100);
  });
});
