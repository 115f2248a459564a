import sharp from 'sharp';
import { DEFAULT_LIMITS } from '../../../lambda/config.js';
import type { ImageSource, RawImage } from '../../../lambda/engine/types.js';
import { decodeImage, openImage } from '../../../lambda/image/decode.js';
import { cropRaw, rawImageSource } from '../../../lambda/image/raw-source.js';
import { regionInShrunk } from '../../../lambda/image/region.js';
import { resizeRawTo } from '../../../lambda/image/resize.js';
import { encodeAs, readFixture, withExifOrientation } from '../../helpers/fixtures.js';

/** Mean absolute difference per channel value of two images of the same size. */
function meanAbsDiff(a: RawImage, b: RawImage): number {
  expect({ width: a.width, height: a.height }).toEqual({ width: b.width, height: b.height });
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0));
  return sum / a.data.length;
}

const LIMITS = { ...DEFAULT_LIMITS, maxImageBytes: 50_000_000 };

describe('regionInShrunk', () => {
  test('maps a full-resolution rect onto the shrunk photo, rounding outwards', () => {
    const placed = regionInShrunk({ x: 101, y: 50, width: 200, height: 99 }, 1000, 500, 0.25);
    expect(placed.shrunk).toEqual({ width: 250, height: 125 });
    expect(placed.rect).toEqual({ x: 25, y: 12, width: 51, height: 26 });
    expect(placed.scaleX).toBe(0.25);
  });

  test('refuses a rect outside the photo and a scale outside (0, 1]', () => {
    expect(() => regionInShrunk({ x: 900, y: 0, width: 200, height: 10 }, 1000, 500, 1)).toThrow(RangeError);
    expect(() => regionInShrunk({ x: 0, y: 0, width: 10, height: 10 }, 1000, 500, 0)).toThrow(RangeError);
    expect(() => regionInShrunk({ x: 0, y: 0, width: 10, height: 10 }, 1000, 500, 1.5)).toThrow(RangeError);
  });
});

describe('openImage: a JPEG decoded piece by piece', () => {
  let jpeg: Buffer;
  let whole: RawImage;
  let source: ImageSource;

  beforeAll(async () => {
    // A 2048×1536 photo stored sideways (EXIF 6): every piece must come out upright.
    const stored = await sharp(await readFixture('astronaut.png'))
      .resize(1536, 2048, { fit: 'fill' })
      .jpeg({ quality: 90 })
      .toBuffer();
    jpeg = await withExifOrientation(stored, 6);
    whole = (await decodeImage(jpeg, LIMITS)).image;
    const opened = await openImage(jpeg, LIMITS);
    expect(opened.orientation).toBe(6);
    source = opened.source;
  });

  test('knows the upright size from the header', () => {
    expect({ width: source.width, height: source.height }).toEqual({ width: 2048, height: 1536 });
    expect({ width: whole.width, height: whole.height }).toEqual({ width: 2048, height: 1536 });
  });

  test('a full-resolution region has the pixels of the whole decode', async () => {
    const rect = { x: 700, y: 300, width: 400, height: 500 };
    const region = await source.region(rect, 1);
    expect(region).toMatchObject({ originX: 700, originY: 300, scale: 1 });
    expect(meanAbsDiff(region.image, cropRaw(whole, rect))).toBeLessThan(1);
  });

  test('a shrunk region matches the same part of the shrunk whole decode', async () => {
    const rect = { x: 700, y: 300, width: 400, height: 500 };
    const region = await source.region(rect, 0.25);
    expect(region.scale).toBe(0.25);
    expect(region.originX).toBe(700);
    expect(region.originY).toBe(300);
    const shrunkWhole = await resizeRawTo(whole, 512, 384);
    // Shrink-on-load works in the DCT domain: close to, not identical with, shrinking the pixels.
    expect(
      meanAbsDiff(region.image, cropRaw(shrunkWhole, { x: 175, y: 75, width: 100, height: 125 })),
    ).toBeLessThan(3);
  });

  test('the detector copy is the shrunk photo, upright', async () => {
    const small = await source.downscaled(640);
    expect({ width: small.width, height: small.height }).toEqual({ width: 640, height: 480 });
    expect(meanAbsDiff(small, await resizeRawTo(whole, 640, 480))).toBeLessThan(3);
  });

  test('corrupt pixel data behind a valid header rejects with INVALID_IMAGE_TYPE', async () => {
    const cut = jpeg.subarray(0, Math.floor(jpeg.length * 0.6));
    const opened = await openImage(cut, LIMITS);
    await expect(opened.source.downscaled(640)).rejects.toMatchObject({ kind: 'INVALID_IMAGE_TYPE' });
  });
});

describe('rawImageSource', () => {
  test('serves the same regions as the file it was decoded from', async () => {
    const png = await encodeAs((await decodeImage(await readFixture('astronaut.png'), LIMITS)).image, 'png');
    const fromFile = (await openImage(png, LIMITS)).source;
    const fromPixels = rawImageSource((await decodeImage(png, LIMITS)).image);
    const rect = { x: 100, y: 40, width: 300, height: 260 };
    for (const scale of [1, 0.5]) {
      const [a, b] = [await fromFile.region(rect, scale), await fromPixels.region(rect, scale)];
      expect(a.originX).toBeCloseTo(b.originX, 9);
      expect(a.scale).toBe(b.scale);
      expect(meanAbsDiff(a.image, b.image)).toBeLessThan(0.5);
    }
  });
});
