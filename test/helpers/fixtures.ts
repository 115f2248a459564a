/**
 * Fixture access and synthetic-image helpers shared by the test suites. Everything here is
 * deterministic; generated images live in memory only.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Jimp } from 'jimp';
import sharp from 'sharp';
import { DEFAULT_LIMITS } from '../../lambda/config.js';
import type { RawImage } from '../../lambda/engine/types.js';
import { decodeImage } from '../../lambda/image/decode.js';
import type { ImageFormat } from '../../lambda/image/format.js';

const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Names of the committed fixtures (see test/fixtures/README.md). */
export type FixtureName =
  | 'astronaut.png'
  | 'camera-profile.png'
  | 'no-face-cat.png'
  | 'no-face-coffee.png'
  | 'no-face-rocket.jpg';

/** Absolute path of a committed fixture. */
export function fixturePath(name: FixtureName): string {
  return join(FIXTURES_DIR, name);
}

/** The fixture's file bytes. */
export function readFixture(name: FixtureName): Promise<Buffer> {
  return readFile(fixturePath(name));
}

/** The fixture decoded by the production intake ({@link decodeImage}) with the default limits. */
export async function loadRawFixture(name: FixtureName): Promise<RawImage> {
  return (await decodeImage(await readFixture(name), DEFAULT_LIMITS)).image;
}

/** An image of `widthPx` × `heightPx` filled with one colour (0-255 per channel). */
export function solidImage(
  widthPx: number,
  heightPx: number,
  rgb: readonly [number, number, number],
): RawImage {
  const data = new Uint8Array(widthPx * heightPx * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { width: widthPx, height: heightPx, channels: 3, data };
}

/** RGB of pixel (`xPx`, `yPx`). */
export function pixelAt(image: RawImage, xPx: number, yPx: number): [number, number, number] {
  const i = (yPx * image.width + xPx) * 3;
  return [image.data[i] ?? Number.NaN, image.data[i + 1] ?? Number.NaN, image.data[i + 2] ?? Number.NaN];
}

/**
 * Encodes `image` in `format`: sharp for all but BMP (JPEG at quality 95, 4:4:4, so colours
 * survive; WebP lossless, TIFF LZW), jimp for BMP (24-bit BITMAPINFOHEADER).
 */
export async function encodeAs(image: RawImage, format: ImageFormat): Promise<Buffer> {
  if (format === 'bmp') {
    // A fresh array: jimp's fromBitmap reads `data.buffer` whole, ignoring any byteOffset.
    const rgba = new Uint8Array(image.width * image.height * 4);
    for (let src = 0, dst = 0; dst < rgba.length; src += 3, dst += 4) {
      rgba.set(image.data.subarray(src, src + 3), dst);
      rgba[dst + 3] = 255;
    }
    return Jimp.fromBitmap({ width: image.width, height: image.height, data: rgba }).getBuffer('image/bmp');
  }
  const input = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  switch (format) {
    case 'jpeg':
      return input.jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer();
    case 'webp':
      return input.webp({ lossless: true }).toBuffer();
    case 'png':
      return input.png().toBuffer();
    case 'gif':
      return input.gif().toBuffer();
    case 'tiff':
      // sharp's TIFF default is JPEG compression; LZW keeps pixels exact.
      return input.tiff({ compression: 'lzw' }).toBuffer();
  }
}

/**
 * Re-encodes a JPEG with its EXIF Orientation tag set to `orientation` (1-8); the stored pixels
 * are unchanged, so a viewer that honours the tag shows them rotated/mirrored.
 */
export function withExifOrientation(jpegBuffer: Uint8Array, orientation: number): Promise<Buffer> {
  return sharp(jpegBuffer)
    .withMetadata({ orientation })
    .jpeg({ quality: 95, chromaSubsampling: '4:4:4' })
    .toBuffer();
}
