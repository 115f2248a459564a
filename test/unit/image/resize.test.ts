import type { RawImage } from '../../../lambda/engine/types.js';
import { resizeRaw } from '../../../lambda/image/resize.js';
import { loadRawFixture, pixelAt, solidImage } from '../../helpers/fixtures.js';

function meanRgb(image: RawImage): [number, number, number] {
  const sum = [0, 0, 0];
  image.data.forEach((v, i) => {
    sum[i % 3] = (sum[i % 3] ?? 0) + v;
  });
  const n = image.width * image.height;
  return [(sum[0] ?? 0) / n, (sum[1] ?? 0) / n, (sum[2] ?? 0) / n];
}

describe('resizeRaw', () => {
  test('returns the very same image and scale 1 when it already fits', async () => {
    const image = solidImage(640, 480, [1, 2, 3]);
    const resized = await resizeRaw(image, 640);
    expect(resized.scale).toBe(1);
    expect(resized.image).toBe(image);
  });

  test('shrinks the long side to maxSidePx, keeps the aspect ratio and reports the scale', async () => {
    const tall = await resizeRaw(solidImage(300, 1200, [10, 20, 30]), 640);
    expect(tall.image).toMatchObject({ width: 160, height: 640, channels: 3 });
    expect(tall.image.data).toHaveLength(160 * 640 * 3);
    expect(tall.scale).toBeCloseTo(640 / 1200, 12);

    const odd = await resizeRaw(solidImage(1001, 333, [10, 20, 30]), 100);
    expect(odd.image).toMatchObject({ width: 100, height: 33 });
    expect(odd.scale).toBeCloseTo(100 / 1001, 12);
  });

  test('keeps a solid colour exact and the mean colour of a photo', async () => {
    const solid = await resizeRaw(solidImage(800, 600, [200, 100, 50]), 200);
    expect(pixelAt(solid.image, 0, 0)).toEqual([200, 100, 50]);
    expect(pixelAt(solid.image, 199, 149)).toEqual([200, 100, 50]);

    const photo = await loadRawFixture('astronaut.png');
    const small = await resizeRaw(photo, 128);
    const [r0, g0, b0] = meanRgb(photo);
    const [r1, g1, b1] = meanRgb(small.image);
    expect(Math.abs(r1 - r0)).toBeLessThan(2);
    expect(Math.abs(g1 - g0)).toBeLessThan(2);
    expect(Math.abs(b1 - b0)).toBeLessThan(2);
  });

  test('averages rather than samples: a one-pixel checkerboard becomes flat grey', async () => {
    const width = 400;
    const data = new Uint8Array(width * width * 3);
    for (let i = 0; i < width * width; i++) {
      const v = ((i % width) + Math.floor(i / width)) % 2 === 0 ? 255 : 0;
      data.fill(v, i * 3, i * 3 + 3);
    }
    const { image } = await resizeRaw({ width, height: width, channels: 3, data }, 100);
    const values = Array.from(image.data.subarray(width, width * 3)); // away from the borders
    expect(Math.min(...values)).toBeGreaterThan(110);
    expect(Math.max(...values)).toBeLessThan(145);
  });

  test('a coordinate maps back through the scale', async () => {
    // A white dot at (600, 300) in a 1200x800 black image lands near (600, 300) * scale.
    const image = solidImage(1200, 800, [0, 0, 0]);
    for (let y = 296; y < 304; y++) image.data.fill(255, (y * 1200 + 596) * 3, (y * 1200 + 604) * 3);
    const { image: small, scale } = await resizeRaw(image, 300);
    const x = Math.round(600 * scale);
    const y = Math.round(300 * scale);
    expect(pixelAt(small, x, y)[0]).toBeGreaterThan(100);
    expect(pixelAt(small, x + 10, y)[0]).toBe(0);
  });

  test('rejects a non-positive target and a buffer of the wrong length', async () => {
    await expect(resizeRaw(solidImage(10, 10, [0, 0, 0]), 0)).rejects.toThrow(RangeError);
    await expect(resizeRaw(solidImage(10, 10, [0, 0, 0]), Number.NaN)).rejects.toThrow(RangeError);
    const broken: RawImage = { width: 10, height: 10, channels: 3, data: new Uint8Array(10) };
    await expect(resizeRaw(broken, 5)).rejects.toThrow(RangeError);
  });
});
