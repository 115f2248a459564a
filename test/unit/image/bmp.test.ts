import { DEFAULT_LIMITS } from '../../../lambda/config.js';
import type { RawImage } from '../../../lambda/engine/types.js';
import { isFaceQualityError } from '../../../lambda/errors.js';
import { canonicalBmp, parseBmpHeader } from '../../../lambda/image/bmp.js';
import { decodeImage } from '../../../lambda/image/decode.js';
import { encodeAs, pixelAt } from '../../helpers/fixtures.js';

/** 37x33 (odd width exercises row padding) with four coloured quadrants and a white pixel top-left. */
function quadrants(): RawImage {
  const width = 37;
  const height = 33;
  const colours = [
    [200, 30, 40],
    [20, 180, 60],
    [10, 40, 220],
    [250, 200, 0],
  ] as const;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const q = (y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1);
      data.set(x === 0 && y === 0 ? [255, 255, 255] : (colours[q] ?? [0, 0, 0]), (y * width + x) * 3);
    }
  }
  return { width, height, channels: 3, data };
}

interface BmpOptions {
  readonly bitsPerPixel: 8 | 16 | 24 | 32;
  /** 40 = BITMAPINFOHEADER, 124 = BITMAPV5HEADER. */
  readonly headerBytes?: 40 | 124;
  /** 0 = BI_RGB, 3 = BI_BITFIELDS. */
  readonly compression?: 0 | 3;
  readonly topDown?: boolean;
  /** Unused bytes between the headers and the pixels (legal: `bfOffBits` points past them). */
  readonly gapBytes?: number;
}

/** A minimal BMP writer for the variants jimp cannot produce (it only writes bottom-up 24-bit). */
function writeBmp(image: RawImage, o: BmpOptions): Uint8Array {
  const { bitsPerPixel: bpp, headerBytes = 40, compression = 0, topDown = false, gapBytes = 0 } = o;
  const { width, height } = image;
  const rgbAt = (x: number, y: number) => pixelAt(image, x, y);
  const palette: string[] = [];
  if (bpp === 8) {
    for (let i = 0; i < width * height; i++) {
      const key = rgbAt(i % width, Math.floor(i / width)).join(',');
      if (!palette.includes(key)) palette.push(key);
    }
  }
  const masks = bpp === 16 ? [0xf800, 0x07e0, 0x001f] : [0x00ff0000, 0x0000ff00, 0x000000ff];
  // 16-bit BI_RGB is 5-5-5 by definition; with bit fields we write 5-6-5.
  const pack16 = (r: number, g: number, b: number) =>
    compression === 3
      ? ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3)
      : ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);

  const rows: number[][] = [];
  for (let r = 0; r < height; r++) {
    const y = topDown ? r : height - 1 - r;
    const row: number[] = [];
    for (let x = 0; x < width; x++) {
      const [red, green, blue] = rgbAt(x, y);
      if (bpp === 8) row.push(palette.indexOf(`${red},${green},${blue}`));
      else if (bpp === 16) {
        const v = pack16(red, green, blue);
        row.push(v & 0xff, v >> 8);
      } else if (bpp === 24) row.push(blue, green, red);
      else row.push(blue, green, red, 0);
    }
    while (row.length % 4 !== 0) row.push(0);
    rows.push(row);
  }
  const pixels = rows.flat();
  const masksAfterHeader = headerBytes === 40 && compression === 3 ? 12 : 0;
  const offBits = 14 + headerBytes + masksAfterHeader + palette.length * 4 + gapBytes;
  const out = new Uint8Array(offBits + pixels.length);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d], 0);
  v.setUint32(2, out.length, true);
  v.setUint32(10, offBits, true);
  v.setUint32(14, headerBytes, true);
  v.setInt32(18, width, true);
  v.setInt32(22, topDown ? -height : height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, bpp, true);
  v.setUint32(30, compression, true);
  v.setUint32(34, pixels.length, true);
  v.setUint32(46, palette.length, true);
  // V4/V5 headers carry the masks at 54; for BI_RGB writers leave them 0. 40-byte headers put them after.
  if (compression === 3) {
    masks.forEach((m, i) => {
      v.setUint32(54 + i * 4, m, true);
    });
  }
  palette.forEach((key, i) => {
    const [r, g, b] = key.split(',').map(Number);
    out.set([b ?? 0, g ?? 0, r ?? 0, 0], 14 + headerBytes + masksAfterHeader + i * 4);
  });
  out.set(pixels, offBits);
  return out;
}

function maxChannelDifference(a: RawImage, b: RawImage): number {
  let max = 0;
  a.data.forEach((value, i) => {
    max = Math.max(max, Math.abs(value - (b.data[i] ?? Number.NaN)));
  });
  return max;
}

describe('BMP intake (own header parser, jimp decoder)', () => {
  const source = quadrants();

  test.each<[string, BmpOptions, number]>([
    ['24-bit bottom-up', { bitsPerPixel: 24 }, 0],
    ['24-bit top-down', { bitsPerPixel: 24, topDown: true }, 0],
    ['32-bit BI_RGB in a V5 header with zero masks', { bitsPerPixel: 32, headerBytes: 124 }, 0],
    ['32-bit bit fields in a V5 header', { bitsPerPixel: 32, headerBytes: 124, compression: 3 }, 0],
    ['16-bit 5-6-5 bit fields after a 40-byte header', { bitsPerPixel: 16, compression: 3 }, 8],
    ['16-bit BI_RGB (5-5-5)', { bitsPerPixel: 16 }, 8],
    ['8-bit palette', { bitsPerPixel: 8 }, 0],
    ['24-bit with a gap before the pixels', { bitsPerPixel: 24, gapBytes: 10 }, 0],
  ])('%s decodes to the source pixels', async (_label, options, tolerance) => {
    const decoded = await decodeImage(writeBmp(source, options), DEFAULT_LIMITS);
    expect(decoded).toMatchObject({ format: 'bmp', orientation: 1 });
    expect(decoded.image).toMatchObject({ width: 37, height: 33, channels: 3 });
    expect(maxChannelDifference(decoded.image, source)).toBeLessThanOrEqual(tolerance);
  });

  test('jimp-encoded BMP header is read as written', async () => {
    const header = parseBmpHeader(await encodeAs(source, 'bmp'));
    expect(header).toMatchObject({
      widthPx: 37,
      heightPx: 33,
      topDown: false,
      bitsPerPixel: 24,
      compression: 0,
      infoHeaderBytes: 40,
      paletteEntries: 0,
      pixelDataOffset: 54,
    });
  });

  test('canonicalBmp leaves a canonical file byte-identical apart from dropping trailing bytes', () => {
    const bmp = writeBmp(source, { bitsPerPixel: 24 });
    const withTrailer = Uint8Array.from([...bmp, 1, 2, 3]);
    expect(Buffer.from(canonicalBmp(withTrailer, parseBmpHeader(withTrailer))).equals(Buffer.from(bmp))).toBe(
      true,
    );
  });

  const base = () => writeBmp(source, { bitsPerPixel: 24 });
  const patched = (patch: (v: DataView, bytes: Uint8Array) => void): Uint8Array => {
    const bytes = base();
    patch(new DataView(bytes.buffer), bytes);
    return bytes;
  };
  test.each<[string, Uint8Array]>([
    ['4-bit', patched((v) => v.setUint16(28, 4, true))],
    ['1-bit', patched((v) => v.setUint16(28, 1, true))],
    ['an OS/2 12-byte header', patched((v) => v.setUint32(14, 12, true))],
    ['embedded JPEG (compression 4)', patched((v) => v.setUint32(30, 4, true))],
    [
      'RLE8 (bmp-ts decodes it wrongly)',
      (() => {
        const b = writeBmp(source, { bitsPerPixel: 8 });
        new DataView(b.buffer).setUint32(30, 1, true);
        return b;
      })(),
    ],
    ['RLE4', patched((v) => v.setUint32(30, 2, true))],
    ['zero width', patched((v) => v.setInt32(18, 0, true))],
    ['negative width', patched((v) => v.setInt32(18, -37, true))],
    ['zero height', patched((v) => v.setInt32(22, 0, true))],
    ['pixels overlapping the header', patched((v) => v.setUint32(10, 20, true))],
    ['pixel offset past the end', patched((v, b) => v.setUint32(10, b.length, true))],
    [
      'zero bit-field masks',
      writeBmp(source, { bitsPerPixel: 32, compression: 3 }).map((x, i) => (i >= 54 && i < 66 ? 0 : x)),
    ],
    [
      'an 8-bit palette of 1000 colours',
      (() => {
        const b = writeBmp(source, { bitsPerPixel: 8 });
        new DataView(b.buffer).setUint32(46, 1000, true);
        return b;
      })(),
    ],
    ['truncated pixel rows', base().subarray(0, 54 + 100)],
    ['a header cut short', base().subarray(0, 40)],
  ])('%s is INVALID_IMAGE_TYPE', async (_label, bytes) => {
    const error: unknown = await decodeImage(bytes, DEFAULT_LIMITS).catch((e: unknown) => e);
    expect(isFaceQualityError(error, 'INVALID_IMAGE_TYPE')).toBe(true);
  });
});
