import sharp from 'sharp';
import { DEFAULT_LIMITS } from '../../../lambda/config.js';
import type { RawImage } from '../../../lambda/engine/types.js';
import { decodeImage } from '../../../lambda/image/decode.js';
import type { ImageFormat } from '../../../lambda/image/format.js';
import { encodeAs, pixelAt, readFixture, withExifOrientation } from '../../helpers/fixtures.js';

const RED = [255, 0, 0] as const;
const BLUE = [0, 0, 255] as const;
const GREY = [128, 128, 128] as const;

/** A `widthPx` × `heightPx` grey image with a red square in its top-left corner and a blue one bottom-right. */
function markedImage(widthPx: number, heightPx: number, squarePx = 8): RawImage {
  const data = new Uint8Array(widthPx * heightPx * 3);
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      const topLeft = x < squarePx && y < squarePx;
      const bottomRight = x >= widthPx - squarePx && y >= heightPx - squarePx;
      data.set(topLeft ? RED : bottomRight ? BLUE : GREY, (y * widthPx + x) * 3);
    }
  }
  return { width: widthPx, height: heightPx, channels: 3, data };
}

function expectColour(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  actual.forEach((v, i) => {
    expect(Math.abs(v - (expected[i] ?? Number.NaN))).toBeLessThanOrEqual(tolerance);
  });
}

/** Colour sampled 3 px inside the named corner, where the 8 px squares of {@link markedImage} sit. */
function corner(image: RawImage, which: 'tl' | 'tr' | 'bl' | 'br'): [number, number, number] {
  const x = which === 'tl' || which === 'bl' ? 3 : image.width - 4;
  const y = which === 'tl' || which === 'tr' ? 3 : image.height - 4;
  return pixelAt(image, x, y);
}

describe('decodeImage: formats', () => {
  const source = markedImage(64, 40);
  // Lossy or palette formats may move colours a little.
  const cases: [ImageFormat, number][] = [
    ['jpeg', 6],
    ['png', 0],
    ['webp', 0],
    ['gif', 8],
    ['tiff', 0],
    ['bmp', 0],
  ];

  test.each(cases)('%s decodes to the right size and RGB', async (format, tolerance) => {
    const decoded = await decodeImage(await encodeAs(source, format), DEFAULT_LIMITS);
    expect(decoded.format).toBe(format);
    expect(decoded.orientation).toBe(1);
    expect(decoded.image).toMatchObject({ width: 64, height: 40, channels: 3 });
    expect(decoded.image.data).toHaveLength(64 * 40 * 3);
    expect(decoded.image.data).toBeInstanceOf(Uint8Array);
    expectColour(corner(decoded.image, 'tl'), RED, tolerance);
    expectColour(corner(decoded.image, 'br'), BLUE, tolerance);
    expectColour(pixelAt(decoded.image, 32, 20), GREY, tolerance);
    expect(decoded.timingsMs.probe).toBeGreaterThanOrEqual(0);
    expect(decoded.timingsMs.decode).toBeGreaterThanOrEqual(0);
  });

  test('the real JPEG and PNG fixtures decode like sharp does', async () => {
    for (const name of ['no-face-rocket.jpg', 'astronaut.png'] as const) {
      const bytes = await readFixture(name);
      const decoded = await decodeImage(bytes, DEFAULT_LIMITS);
      const reference = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      expect(reference.info.channels).toBe(3);
      expect(decoded.image.width).toBe(reference.info.width);
      expect(decoded.image.height).toBe(reference.info.height);
      expect(Buffer.from(decoded.image.data).equals(reference.data)).toBe(true);
    }
  });

  test('a greyscale PNG is expanded to three equal channels', async () => {
    const decoded = await decodeImage(await readFixture('camera-profile.png'), DEFAULT_LIMITS);
    expect(decoded.image).toMatchObject({ width: 512, height: 512, channels: 3 });
    const [r, g, b] = pixelAt(decoded.image, 100, 200);
    expect(g).toBe(r);
    expect(b).toBe(r);
  });

  test('transparency is flattened onto white', async () => {
    // Left half opaque red, right half fully transparent black.
    const rgba = new Uint8Array(40 * 40 * 4);
    for (let i = 0; i < 40 * 40; i++) {
      if (i % 40 < 20) rgba.set([255, 0, 0, 255], i * 4);
    }
    const png = await sharp(rgba, { raw: { width: 40, height: 40, channels: 4 } })
      .png()
      .toBuffer();
    const { image } = await decodeImage(png, DEFAULT_LIMITS);
    expect(image.channels).toBe(3);
    expect(pixelAt(image, 5, 5)).toEqual([255, 0, 0]);
    expect(pixelAt(image, 35, 5)).toEqual([255, 255, 255]);
  });

  test('16-bit PNG and CMYK JPEG come out as 8-bit sRGB', async () => {
    const source16 = await sharp(await encodeAs(source, 'png'))
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(source16).metadata()).depth).toBe('ushort');
    const from16 = await decodeImage(source16, DEFAULT_LIMITS);
    expectColour(corner(from16.image, 'tl'), RED, 1);
    expectColour(pixelAt(from16.image, 32, 20), GREY, 1);

    const cmyk = await sharp(await encodeAs(source, 'png'))
      .toColourspace('cmyk')
      .jpeg({ quality: 95 })
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const fromCmyk = await decodeImage(cmyk, DEFAULT_LIMITS);
    expect(fromCmyk.image.data).toHaveLength(64 * 40 * 3);
    // Colour management moves values a little; hue must survive.
    const [r, g, b] = corner(fromCmyk.image, 'tl');
    expect(r).toBeGreaterThan(180);
    expect(Math.max(g, b)).toBeLessThan(80);
  });

  test('an animated GIF yields its first frame only', async () => {
    // Two 48x32 frames stacked vertically: red, then blue.
    const frames = new Uint8Array(48 * 64 * 3);
    for (let i = 0; i < 48 * 64; i++) frames.set(i < 48 * 32 ? RED : BLUE, i * 3);
    const gif = await sharp(frames, { raw: { width: 48, height: 64, channels: 3, pageHeight: 32 } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const { image, format } = await decodeImage(gif, DEFAULT_LIMITS);
    expect(format).toBe('gif');
    expect(image).toMatchObject({ width: 48, height: 32 });
    expectColour(pixelAt(image, 24, 16), RED, 8);
  });

  test('a multi-page TIFF yields its first page only', async () => {
    const pages = new Uint8Array(48 * 64 * 3);
    for (let i = 0; i < 48 * 64; i++) pages.set(i < 48 * 32 ? BLUE : RED, i * 3);
    const tiff = await sharp(pages, { raw: { width: 48, height: 64, channels: 3, pageHeight: 32 } })
      .tiff({ compression: 'lzw' })
      .toBuffer();
    expect((await sharp(tiff).metadata()).pages).toBe(2);
    const { image } = await decodeImage(tiff, DEFAULT_LIMITS);
    expect(image).toMatchObject({ width: 48, height: 32 });
    expect(pixelAt(image, 24, 16)).toEqual([...BLUE]);
  });
});

describe('decodeImage: EXIF orientation', () => {
  // Stored 64x40 with red top-left and blue bottom-right; where do they end up once upright?
  // Orientation n means "stored pixels need this transform to be upright" (EXIF 2.3, tag 0x0112).
  const expected: [number, 'tl' | 'tr' | 'bl' | 'br', 'tl' | 'tr' | 'bl' | 'br', boolean][] = [
    [1, 'tl', 'br', false],
    [2, 'tr', 'bl', false],
    [3, 'br', 'tl', false],
    [4, 'bl', 'tr', false],
    [5, 'tl', 'br', true],
    [6, 'tr', 'bl', true],
    [7, 'br', 'tl', true],
    [8, 'bl', 'tr', true],
  ];

  test.each(expected)(
    'orientation %i: red ends %s, blue %s, swapped=%s',
    async (orientation, red, blue, swapped) => {
      const jpeg = await withExifOrientation(await encodeAs(markedImage(64, 40), 'jpeg'), orientation);
      const decoded = await decodeImage(jpeg, DEFAULT_LIMITS);
      expect(decoded.orientation).toBe(orientation);
      expect(decoded.image).toMatchObject(swapped ? { width: 40, height: 64 } : { width: 64, height: 40 });
      expectColour(corner(decoded.image, red), RED, 8);
      expectColour(corner(decoded.image, blue), BLUE, 8);
    },
  );

  test('the size limits apply to the upright dimensions', async () => {
    // Stored 64 wide x 40 high, upright 40 x 64: a 50 px minimum rejects it either way, and
    // the message names the upright size.
    const jpeg = await withExifOrientation(await encodeAs(markedImage(64, 40), 'jpeg'), 6);
    await expect(decodeImage(jpeg, { ...DEFAULT_LIMITS, minSidePx: 50 })).rejects.toMatchObject({
      kind: 'INVALID_IMAGE_SIZE',
      message: expect.stringContaining('40x64'),
    });
  });
});

describe('decodeImage: large photos', () => {
  // Speed is measured by `npm run bench`, not asserted here.
  test('a 12 MP JPEG decodes to full-resolution RGB', async () => {
    const big = await sharp(await readFixture('no-face-rocket.jpg'))
      .resize(4240, 2830)
      .jpeg({ quality: 90 })
      .toBuffer();
    const limits = { ...DEFAULT_LIMITS, maxImageBytes: 20_000_000 };
    const decoded = await decodeImage(big, limits);
    expect(decoded.image).toMatchObject({ width: 4240, height: 2830 });
    expect(decoded.image.data).toHaveLength(4240 * 2830 * 3);
  });
});
