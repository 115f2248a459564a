/**
 * Images for the fuzz corpus, all generated in code: real encodings of the face photo (every
 * format and variant the intake accepts; each must answer 1000), small images of every format to
 * mutate, and format-aware mutations (truncation, bit flips, header dimensions). Deterministic:
 * sharp and the writers below produce the same bytes for the same input.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import type { Random } from './fuzz-random.js';

/** Quick GIF quantisation: the default effort takes seconds for a 512 px photo. */
const FAST_GIF = { effort: 1, dither: 0 } as const;

/** The public-domain face photo every face variant is made from (test/fixtures/README.md). */
export const FACE_FIXTURE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'test',
  'fixtures',
  'astronaut.png',
);

/** An encoded image and what it is. */
export interface Sample {
  /** Short name: `jpeg-progressive`, `png-16bit`... */
  readonly name: string;
  readonly bytes: Buffer;
}

/** An 8-bit RGB bitmap. */
export interface Rgb {
  readonly width: number;
  readonly height: number;
  readonly data: Buffer;
}

/** The face photo as 512×512 RGB. */
export async function loadFace(): Promise<Rgb> {
  const { data, info } = await sharp(await readFile(FACE_FIXTURE))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

function fromRgb(image: Rgb): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}

/**
 * A BMP with a BITMAPINFOHEADER: 24-bit (`bits: 24`, bottom-up rows padded to 4 bytes), 32-bit
 * (BGRX), or 8-bit grey palette. `topDown` writes a negative height (rows top to bottom).
 */
export function writeBmp(image: Rgb, bits: 8 | 24 | 32 = 24, topDown = false): Buffer {
  const { width, height, data } = image;
  const bytesPerPixel = bits / 8;
  const rowBytes = Math.ceil((width * bytesPerPixel) / 4) * 4;
  const paletteBytes = bits === 8 ? 256 * 4 : 0;
  const pixelOffset = 14 + 40 + paletteBytes;
  const out = Buffer.alloc(pixelOffset + rowBytes * height);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(pixelOffset, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(topDown ? -height : height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(bits, 28);
  out.writeUInt32LE(rowBytes * height, 34);
  out.writeInt32LE(2835, 38);
  out.writeInt32LE(2835, 42);
  if (bits === 8) {
    out.writeUInt32LE(256, 46);
    for (let i = 0; i < 256; i++) out.writeUInt32LE(i * 0x010101, 54 + i * 4);
  }
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const src = (y * width + x) * 3;
      const r = data[src] ?? 0;
      const g = data[src + 1] ?? 0;
      const b = data[src + 2] ?? 0;
      const dst = row + x * bytesPerPixel;
      if (bits === 8) out[dst] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      else {
        out[dst] = b;
        out[dst + 1] = g;
        out[dst + 2] = r;
      }
    }
  }
  return out;
}

/** Stored pixels for EXIF orientation `n`, so that a viewer applying the tag shows the upright image. */
const STORE_FOR_ORIENTATION: Readonly<Record<number, (s: Sharp) => Sharp>> = {
  1: (s) => s,
  2: (s) => s.flop(),
  3: (s) => s.rotate(180),
  4: (s) => s.flip(),
  5: (s) => s.rotate(270).flop(),
  6: (s) => s.rotate(270),
  7: (s) => s.rotate(90).flop(),
  8: (s) => s.rotate(90),
};

/** A JPEG whose stored pixels are `image` transformed for EXIF orientation `orientation` (1-8). */
async function orientedJpeg(image: Rgb, orientation: number): Promise<Buffer> {
  const store = STORE_FOR_ORIENTATION[orientation];
  if (store === undefined) throw new RangeError(`orientation ${orientation}`);
  const stored = await store(fromRgb(image)).png().toBuffer();
  return sharp(stored).withMetadata({ orientation }).jpeg({ quality: 90 }).toBuffer();
}

/** Offset of the EXIF Orientation value (tag 0x0112) in a JPEG written by sharp, or -1. */
function orientationValueOffset(jpeg: Buffer): number {
  const app1 = jpeg.indexOf(Buffer.from('Exif\0\0', 'latin1'));
  if (app1 < 0) return -1;
  const tiff = app1 + 6;
  const little = jpeg.toString('latin1', tiff, tiff + 2) === 'II';
  const u16 = (at: number): number => (little ? jpeg.readUInt16LE(at) : jpeg.readUInt16BE(at));
  const u32 = (at: number): number => (little ? jpeg.readUInt32LE(at) : jpeg.readUInt32BE(at));
  const ifd = tiff + u32(tiff + 4);
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (u16(entry) === 0x0112) return entry + 8;
  }
  return -1;
}

/** A JPEG tagged with orientation 1 whose tag value is then overwritten with `value` (0, 9, 65535...). */
async function jpegWithOrientationValue(image: Rgb, value: number): Promise<Buffer> {
  const jpeg = Buffer.from(await orientedJpeg(image, 1));
  const at = orientationValueOffset(jpeg);
  if (at < 0) throw new Error('no orientation tag written');
  const little = jpeg.toString('latin1', jpeg.indexOf('Exif') + 6, jpeg.indexOf('Exif') + 8) === 'II';
  if (little) jpeg.writeUInt16LE(value, at);
  else jpeg.writeUInt16BE(value, at);
  return jpeg;
}

/** Inserts a JPEG segment (marker `0xFFmm`, payload) right after SOI. */
function insertJpegSegment(jpeg: Buffer, marker: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xff00 | marker, 0);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}

/** A PNG chunk with its CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(typeAndData.length + 8);
  out.writeUInt32BE(data.length, 0);
  typeAndData.copy(out, 4);
  out.writeUInt32BE(crc32(typeAndData), typeAndData.length + 4);
  return out;
}

/**
 * Encodings of the face photo that a client may legitimately send; each must answer 1000.
 * `random` only fills garbage EXIF payloads.
 */
export async function faceVariants(face: Rgb, random: Random): Promise<Sample[]> {
  const png = await fromRgb(face).png().toBuffer();
  const frame2 = await sharp({
    create: { width: face.width, height: face.height, channels: 3, background: { r: 90, g: 90, b: 90 } },
  })
    .png()
    .toBuffer();
  const transparentBorder = await fromRgb(face)
    .ensureAlpha(1)
    .extend({ top: 64, bottom: 64, left: 64, right: 64, background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .png()
    .toBuffer();
  const jpeg = await fromRgb(face).jpeg({ quality: 90 }).toBuffer();
  const variants: [string, Promise<Buffer> | Buffer][] = [
    ['jpeg-baseline', jpeg],
    ['jpeg-progressive', fromRgb(face).jpeg({ quality: 90, progressive: true }).toBuffer()],
    ['jpeg-q40-420', fromRgb(face).jpeg({ quality: 40, chromaSubsampling: '4:2:0' }).toBuffer()],
    [
      'jpeg-444-optimised',
      fromRgb(face).jpeg({ chromaSubsampling: '4:4:4', optimiseCoding: true }).toBuffer(),
    ],
    ['jpeg-grey', fromRgb(face).greyscale().jpeg().toBuffer()],
    ['jpeg-cmyk', fromRgb(face).toColourspace('cmyk').jpeg().toBuffer()],
    ['jpeg-icc-p3', fromRgb(face).withIccProfile('p3').jpeg().toBuffer()],
    ['jpeg-icc-cmyk', fromRgb(face).toColourspace('cmyk').withIccProfile('cmyk').jpeg().toBuffer()],
    ['png-rgb8', png],
    ['png-rgb16', fromRgb(face).toColourspace('rgb16').png().toBuffer()],
    ['png-palette', fromRgb(face).png({ palette: true, effort: 1 }).toBuffer()],
    ['png-grey8', sharp(png).toColourspace('b-w').png().toBuffer()],
    ['png-grey16', sharp(png).toColourspace('grey16').png().toBuffer()],
    ['png-grey-alpha', sharp(png).toColourspace('b-w').ensureAlpha(1).png().toBuffer()],
    ['png-rgba-transparent-border', transparentBorder],
    ['png-interlaced', fromRgb(face).png({ progressive: true }).toBuffer()],
    ['gif', fromRgb(face).gif(FAST_GIF).toBuffer()],
    [
      'gif-animated',
      sharp([png, frame2], { join: { animated: true } })
        .gif(FAST_GIF)
        .toBuffer(),
    ],
    ['webp-lossy', fromRgb(face).webp({ quality: 80 }).toBuffer()],
    ['webp-lossless', fromRgb(face).webp({ lossless: true, effort: 0 }).toBuffer()],
    ['webp-alpha', sharp(transparentBorder).webp().toBuffer()],
    [
      'webp-animated',
      sharp([png, frame2], { join: { animated: true } })
        .webp()
        .toBuffer(),
    ],
    ['tiff-lzw', fromRgb(face).tiff({ compression: 'lzw' }).toBuffer()],
    ['tiff-jpeg', fromRgb(face).tiff({ compression: 'jpeg' }).toBuffer()],
    ['tiff-rgb16', fromRgb(face).toColourspace('rgb16').tiff({ compression: 'lzw' }).toBuffer()],
    [
      'tiff-multipage',
      sharp([png, frame2], { join: { animated: true } })
        .tiff({ compression: 'lzw' })
        .toBuffer(),
    ],
    ['bmp-24', writeBmp(face, 24)],
    ['bmp-32-top-down', writeBmp(face, 32, true)],
    ['bmp-8-grey', writeBmp(face, 8)],
    [
      'jpeg-on-large-canvas',
      fromRgb(face)
        .extend({ top: 344, bottom: 344, left: 544, right: 544, background: { r: 200, g: 190, b: 170 } })
        .jpeg()
        .toBuffer(),
    ],
    ['jpeg-trailing-garbage', Buffer.concat([jpeg, Buffer.from(random.bytes(512))])],
    ['png-trailing-garbage', Buffer.concat([png, Buffer.from(random.bytes(512))])],
    [
      'jpeg-garbage-exif',
      insertJpegSegment(jpeg, 0xe1, Buffer.concat([Buffer.from('Exif\0\0'), Buffer.from(random.bytes(400))])),
    ],
    [
      'jpeg-garbage-app-segments',
      insertJpegSegment(
        insertJpegSegment(jpeg, 0xec, Buffer.from(random.bytes(3000))),
        0xfe,
        Buffer.from('comment '.repeat(500)),
      ),
    ],
    [
      'png-unknown-chunk',
      Buffer.concat([
        png.subarray(0, 33),
        pngChunk('zzZz', Buffer.from(random.bytes(256))),
        png.subarray(33),
      ]),
    ],
  ];
  for (let orientation = 1; orientation <= 8; orientation++) {
    variants.push([`jpeg-exif-orientation-${orientation}`, orientedJpeg(face, orientation)]);
  }
  for (const value of [0, 9, 65535]) {
    variants.push([`jpeg-exif-orientation-value-${value}`, jpegWithOrientationValue(face, value)]);
  }
  const out: Sample[] = [];
  for (const [name, bytes] of variants) out.push({ name, bytes: await bytes });
  return out;
}

/** A `size`×`size` gradient with noise: small, but with real entropy for the codecs to encode. */
export function textured(size: number, random: Random): Rgb {
  const data = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      data[i] = (x * 5 + random.int(24)) & 0xff;
      data[i + 1] = (y * 5 + random.int(24)) & 0xff;
      data[i + 2] = ((x + y) * 3 + random.int(24)) & 0xff;
    }
  }
  return { width: size, height: size, data };
}

/** One small image per format and variant, the seeds of the mutations. */
export async function mutationBases(image: Rgb): Promise<Sample[]> {
  const png = await fromRgb(image).png().toBuffer();
  const bases: [string, Promise<Buffer> | Buffer][] = [
    ['jpeg-baseline', fromRgb(image).jpeg().toBuffer()],
    ['jpeg-progressive', fromRgb(image).jpeg({ progressive: true }).toBuffer()],
    ['jpeg-cmyk', fromRgb(image).toColourspace('cmyk').jpeg().toBuffer()],
    ['png-rgb8', png],
    ['png-rgb16', fromRgb(image).toColourspace('rgb16').png().toBuffer()],
    ['png-palette', fromRgb(image).png({ palette: true, effort: 1 }).toBuffer()],
    ['png-grey', fromRgb(image).toColourspace('b-w').png().toBuffer()],
    ['png-rgba', fromRgb(image).ensureAlpha(0.5).png().toBuffer()],
    ['png-interlaced', fromRgb(image).png({ progressive: true }).toBuffer()],
    ['gif', fromRgb(image).gif(FAST_GIF).toBuffer()],
    [
      'gif-animated',
      sharp([png, png], { join: { animated: true } })
        .gif(FAST_GIF)
        .toBuffer(),
    ],
    ['webp-lossy', fromRgb(image).webp().toBuffer()],
    ['webp-lossless', fromRgb(image).webp({ lossless: true, effort: 0 }).toBuffer()],
    ['tiff-lzw', fromRgb(image).tiff({ compression: 'lzw' }).toBuffer()],
    [
      'tiff-multipage',
      sharp([png, png], { join: { animated: true } })
        .tiff({ compression: 'lzw' })
        .toBuffer(),
    ],
    ['bmp-24', writeBmp(image, 24)],
    ['bmp-8', writeBmp(image, 8)],
  ];
  const out: Sample[] = [];
  for (const [name, bytes] of bases) out.push({ name, bytes: await bytes });
  return out;
}

/** Where a format keeps its pixel dimensions, as writers of new values. */
type DimensionPatch = (bytes: Buffer, width: number, height: number) => Buffer | undefined;

function patchPng(bytes: Buffer, width: number, height: number, fixCrc: boolean): Buffer | undefined {
  if (bytes.length < 33 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  const out = Buffer.from(bytes);
  out.writeUInt32BE(width >>> 0, 16);
  out.writeUInt32BE(height >>> 0, 20);
  if (fixCrc) out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

function patchJpeg(bytes: Buffer, width: number, height: number): Buffer | undefined {
  for (let i = 2; i + 9 < bytes.length; i++) {
    const marker = bytes[i + 1] ?? 0;
    // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (bytes[i] === 0xff && marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      const out = Buffer.from(bytes);
      out.writeUInt16BE(height & 0xffff, i + 5);
      out.writeUInt16BE(width & 0xffff, i + 7);
      return out;
    }
  }
  return undefined;
}

/** The logical screen and the first image descriptor (decoders size the image from either). */
function patchGif(bytes: Buffer, width: number, height: number): Buffer | undefined {
  if (bytes.length < 13) return undefined;
  const out = Buffer.from(bytes);
  out.writeUInt16LE(width & 0xffff, 6);
  out.writeUInt16LE(height & 0xffff, 8);
  const flags = bytes[10] ?? 0;
  let at = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  // Skip extension blocks (0x21 label, sub-blocks) up to the image descriptor (0x2c).
  while (at < bytes.length && bytes[at] === 0x21) {
    at += 2;
    while (at < bytes.length && (bytes[at] ?? 0) > 0) at += (bytes[at] ?? 0) + 1;
    at += 1;
  }
  if (bytes[at] === 0x2c && at + 9 <= bytes.length) {
    out.writeUInt16LE(width & 0xffff, at + 5);
    out.writeUInt16LE(height & 0xffff, at + 7);
  }
  return out;
}

function patchWebp(bytes: Buffer, width: number, height: number): Buffer | undefined {
  const chunk = bytes.toString('latin1', 12, 16);
  const out = Buffer.from(bytes);
  if (chunk === 'VP8 ' && bytes.length > 30) {
    out.writeUInt16LE(width & 0x3fff, 26);
    out.writeUInt16LE(height & 0x3fff, 28);
    return out;
  }
  if (chunk === 'VP8X' && bytes.length > 30) {
    out.writeUIntLE(Math.max(0, width - 1) & 0xffffff, 24, 3);
    out.writeUIntLE(Math.max(0, height - 1) & 0xffffff, 27, 3);
    return out;
  }
  if (chunk === 'VP8L' && bytes.length > 25) {
    const w = Math.max(0, width - 1) & 0x3fff;
    const h = Math.max(0, height - 1) & 0x3fff;
    const packed = (out.readUInt32LE(21) & 0xf0000000) | w | (h << 14);
    out.writeUInt32LE(packed >>> 0, 21);
    return out;
  }
  return undefined;
}

function patchTiff(bytes: Buffer, width: number, height: number): Buffer | undefined {
  if (bytes.length < 8) return undefined;
  const little = bytes.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number): number => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number): number => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const ifd = u32(4);
  if (ifd + 2 > bytes.length) return undefined;
  const out = Buffer.from(bytes);
  let patched = false;
  for (let i = 0; i < u16(ifd); i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > bytes.length) break;
    const tag = u16(entry);
    if (tag !== 256 && tag !== 257) continue;
    const value = tag === 256 ? width : height;
    if (u16(entry + 2) === 3) {
      if (little) out.writeUInt16LE(value & 0xffff, entry + 8);
      else out.writeUInt16BE(value & 0xffff, entry + 8);
    } else if (little) out.writeUInt32LE(value >>> 0, entry + 8);
    else out.writeUInt32BE(value >>> 0, entry + 8);
    patched = true;
  }
  return patched ? out : undefined;
}

function patchBmp(bytes: Buffer, width: number, height: number): Buffer | undefined {
  if (bytes.length < 26) return undefined;
  const out = Buffer.from(bytes);
  out.writeInt32LE(width | 0, 18);
  out.writeInt32LE(height | 0, 22);
  return out;
}

/** The dimension patcher for a sample's format (from its name), with PNG CRCs kept valid or not. */
export function dimensionPatcher(sample: Sample, fixCrc = true): DimensionPatch | undefined {
  const format = sample.name.split('-')[0];
  switch (format) {
    case 'png':
      return (b, w, h) => patchPng(b, w, h, fixCrc);
    case 'jpeg':
      return patchJpeg;
    case 'gif':
      return patchGif;
    case 'webp':
      return patchWebp;
    case 'tiff':
      return patchTiff;
    case 'bmp':
      return patchBmp;
    default:
      return undefined;
  }
}

/** `bytes` cut to its first `length` bytes. */
export function truncate(bytes: Buffer, length: number): Buffer {
  return Buffer.from(bytes.subarray(0, Math.max(0, Math.min(bytes.length, length))));
}

/**
 * `bytes` with `count` distinct random bits flipped in `[start, end)` (distinct, so that two flips
 * never cancel out and a "tampered" copy is never the original).
 */
export function flipBits(
  bytes: Buffer,
  count: number,
  random: Random,
  start = 0,
  end = bytes.length,
): Buffer {
  const out = Buffer.from(bytes);
  const spanBits = Math.max(0, Math.min(end, out.length) - start) * 8;
  const flipped = new Set<number>();
  while (flipped.size < Math.min(count, spanBits)) flipped.add(random.int(spanBits));
  for (const bit of flipped) {
    const at = start + Math.floor(bit / 8);
    out[at] = (out[at] ?? 0) ^ (1 << (bit % 8));
  }
  return out;
}
