import { DEFAULT_LIMITS } from '../../../lambda/config.js';
import { isFaceQualityError } from '../../../lambda/errors.js';
import { detectImageFormat, type ImageFormat } from '../../../lambda/image/format.js';
import { assertImageSize, maxPixels } from '../../../lambda/image/size-check.js';
import { encodeAs, readFixture, solidImage } from '../../helpers/fixtures.js';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('detectImageFormat', () => {
  test.each<ImageFormat>(['jpeg', 'png', 'webp', 'gif', 'tiff', 'bmp'])(
    'recognises a %s from its first bytes',
    async (format) => {
      expect(detectImageFormat(await encodeAs(solidImage(8, 8, [1, 2, 3]), format))).toBe(format);
    },
  );

  test('recognises the committed fixtures', async () => {
    expect(detectImageFormat(await readFixture('no-face-rocket.jpg'))).toBe('jpeg');
    expect(detectImageFormat(await readFixture('camera-profile.png'))).toBe('png');
  });

  test('accepts both byte orders of TIFF and both GIF versions', () => {
    expect(detectImageFormat(Uint8Array.of(0x4d, 0x4d, 0x00, 0x2a, 0))).toBe('tiff');
    expect(detectImageFormat(Uint8Array.of(0x49, 0x49, 0x2a, 0x00, 0))).toBe('tiff');
    expect(detectImageFormat(ascii('GIF87a...'))).toBe('gif');
    expect(detectImageFormat(ascii('GIF89a...'))).toBe('gif');
  });

  test.each([
    ['nothing', new Uint8Array(0)],
    ['half a JPEG signature', Uint8Array.of(0xff, 0xd8)],
    ['a PNG signature with one byte wrong', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x00)],
    ['RIFF that is not WebP (WAV)', ascii('RIFF\0\0\0\0WAVEfmt ')],
    ['BigTIFF', Uint8Array.of(0x49, 0x49, 0x2b, 0x00)],
    ['GIF of an unknown version', ascii('GIF90a')],
    ['an SVG', ascii('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['a PDF', ascii('%PDF-1.7')],
    ['HEIC/AVIF', Uint8Array.of(0, 0, 0, 0x1c, ...ascii('ftypavif'))],
  ])('rejects %s', (_label, bytes) => {
    expect(detectImageFormat(bytes)).toBeUndefined();
  });
});

describe('assertImageSize', () => {
  const limits = { ...DEFAULT_LIMITS, minSidePx: 32, maxSidePx: 1000, maxMegapixels: 0.5 };
  const kindOf = (w: number, h: number) => {
    try {
      assertImageSize(w, h, limits);
      return 'ok';
    } catch (e) {
      return isFaceQualityError(e) ? e.kind : 'other';
    }
  };

  test('accepts sizes on the inclusive bounds', () => {
    expect(kindOf(32, 32)).toBe('ok');
    expect(kindOf(1000, 500)).toBe('ok'); // exactly 0.5 MP
    expect(kindOf(500, 1000)).toBe('ok');
  });

  test('rejects each side, either orientation, and the area', () => {
    expect(kindOf(31, 100)).toBe('INVALID_IMAGE_SIZE');
    expect(kindOf(100, 31)).toBe('INVALID_IMAGE_SIZE');
    expect(kindOf(1001, 100)).toBe('INVALID_IMAGE_SIZE');
    expect(kindOf(100, 1001)).toBe('INVALID_IMAGE_SIZE');
    expect(kindOf(1000, 501)).toBe('INVALID_IMAGE_SIZE');
  });

  test('maxPixels is an integer even for fractional megapixels', () => {
    expect(maxPixels({ ...limits, maxMegapixels: 0.0000015 })).toBe(1);
    expect(maxPixels(DEFAULT_LIMITS)).toBe(50_000_000);
  });
});
