/**
 * Image intake: untrusted bytes in, one upright 8-bit RGB bitmap out, or a FaceQualityError.
 *
 * Order matters for safety: byte-size limits, then the magic bytes, then the header (sharp
 * `metadata()`, or our own BMP parser) with the pixel limits, and only then one decode pass.
 * A decompression bomb is therefore rejected from its header, never decoded.
 *
 * Pixel conventions of the result: EXIF orientation applied (every downstream coordinate is in
 * the upright image), transparency flattened onto white (what a viewer shows on a white page;
 * dropping alpha would expose whatever colour the encoder left under transparent pixels),
 * grey expanded to RGB, 16-bit and CMYK converted to 8-bit sRGB, first frame/page only.
 */
import sharp from 'sharp';
import type { RawImage } from '../engine/types.js';
import { FaceQualityError, isFaceQualityError } from '../errors.js';
import { canonicalBmp, parseBmpHeader } from './bmp.js';
import { detectImageFormat, type ImageFormat } from './format.js';
import { assertImageSize, type ImageLimits, maxPixels } from './size-check.js';

export type { ImageFormat } from './format.js';
export type { ImageLimits } from './size-check.js';

/** A decoded upload. */
export interface DecodedImage {
  /** Upright 8-bit RGB pixels. */
  readonly image: RawImage;
  /** Container format, from the magic bytes. */
  readonly format: ImageFormat;
  /** EXIF orientation tag (1-8) as found in the file, already applied to `image`; 1 if none. */
  readonly orientation: number;
  /** Wall time of the header read (`probe`) and of the decode (`decode`), in milliseconds. */
  readonly timingsMs: { readonly probe: number; readonly decode: number };
}

/**
 * sharp fails on libjpeg/libpng *errors*, which includes truncation, but lets *warnings* through:
 * the stricter default ('warning') rejects the many phone JPEGs (notably Samsung) that carry an
 * "Invalid SOS parameters" warning yet decode fine (lovell/sharp#1578, #3488).
 */
const FAIL_ON = 'error';

const WHITE = { r: 255, g: 255, b: 255 };

/**
 * Decodes an uploaded image. Formats: JPEG, PNG, WebP, GIF (first frame) and TIFF (first page)
 * through sharp; BMP (8/16/24/32-bit, uncompressed or bit fields) through jimp.
 *
 * Throws only {@link FaceQualityError}:
 * - `CONTENT_EMPTY` for zero bytes; `CONTENT_TOO_LARGE` above `limits.maxImageBytes`;
 * - `INVALID_IMAGE_SIZE` when the upright width or height lies outside
 *   [`minSidePx`, `maxSidePx`] or the area exceeds `maxMegapixels`, decided from the header alone;
 * - `INVALID_IMAGE_TYPE` for an unknown signature, a truncated or corrupt file.
 */
export async function decodeImage(bytes: Uint8Array, limits: ImageLimits): Promise<DecodedImage> {
  if (bytes.length === 0) throw new FaceQualityError('CONTENT_EMPTY', 'Image is empty');
  if (bytes.length > limits.maxImageBytes) {
    throw new FaceQualityError(
      'CONTENT_TOO_LARGE',
      `Image is ${bytes.length} bytes; at most ${limits.maxImageBytes} bytes accepted`,
    );
  }
  const format = detectImageFormat(bytes);
  if (format === undefined) {
    throw new FaceQualityError(
      'INVALID_IMAGE_TYPE',
      'Unsupported image type; expected JPEG, PNG, WebP, GIF, TIFF or BMP',
    );
  }
  try {
    return format === 'bmp' ? await decodeBmp(bytes, limits) : await decodeWithSharp(bytes, format, limits);
  } catch (e) {
    throw asFaceQualityError(e, format);
  }
}

function asFaceQualityError(e: unknown, format: ImageFormat): FaceQualityError {
  if (isFaceQualityError(e)) return e;
  // Second guard: the decoder enforces limitInputPixels itself, should our header check ever miss.
  if (e instanceof Error && /pixel limit/i.test(e.message)) {
    return new FaceQualityError('INVALID_IMAGE_SIZE', 'Image has too many pixels', { cause: e });
  }
  return new FaceQualityError('INVALID_IMAGE_TYPE', `Corrupt or truncated ${format.toUpperCase()} image`, {
    cause: e,
  });
}

async function decodeWithSharp(
  bytes: Uint8Array,
  format: ImageFormat,
  limits: ImageLimits,
): Promise<DecodedImage> {
  const t0 = performance.now();
  // Header only. limitInputPixels is off here so that an oversized header gets our precise message.
  const meta = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata();
  if (meta.format !== format) {
    throw new FaceQualityError('INVALID_IMAGE_TYPE', `Corrupt ${format.toUpperCase()} image`);
  }
  // autoOrient dimensions already swap width and height for orientations 5-8.
  assertImageSize(meta.autoOrient.width, meta.autoOrient.height, limits);
  const orientation =
    meta.orientation !== undefined && meta.orientation >= 1 && meta.orientation <= 8 ? meta.orientation : 1;
  const t1 = performance.now();

  const { data, info } = await sharp(bytes, {
    failOn: FAIL_ON,
    limitInputPixels: Math.max(1, maxPixels(limits)),
    autoOrient: true,
    pages: 1,
    page: 0,
  })
    .flatten({ background: WHITE })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
    throw new FaceQualityError('INVALID_IMAGE_TYPE', `Unsupported ${format.toUpperCase()} pixel layout`);
  }
  const image: RawImage = {
    width: info.width,
    height: info.height,
    channels: 3,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
  return { image, format, orientation, timingsMs: { probe: t1 - t0, decode: performance.now() - t1 } };
}

type JimpModule = typeof import('jimp');
let jimpModule: Promise<JimpModule> | undefined;

/** jimp is loaded on the first BMP only: it costs start-up time that JPEG-only traffic never needs. */
function loadJimp(): Promise<JimpModule> {
  jimpModule ??= import('jimp');
  return jimpModule;
}

async function decodeBmp(bytes: Uint8Array, limits: ImageLimits): Promise<DecodedImage> {
  const t0 = performance.now();
  const header = parseBmpHeader(bytes);
  assertImageSize(header.widthPx, header.heightPx, limits);
  const canonical = canonicalBmp(bytes, header);
  const t1 = performance.now();

  const { Jimp } = await loadJimp();
  const decoded = await Jimp.fromBuffer(
    Buffer.from(canonical.buffer, canonical.byteOffset, canonical.byteLength),
  );
  const { width, height, data: rgba } = decoded.bitmap;
  if (width !== header.widthPx || height !== header.heightPx || rgba.length !== width * height * 4) {
    throw new FaceQualityError('INVALID_IMAGE_TYPE', 'Corrupt BMP image');
  }
  // jimp forces BMP alpha to opaque, so dropping the fourth byte loses nothing.
  const rgb = new Uint8Array(width * height * 3);
  for (let src = 0, dst = 0; dst < rgb.length; src += 4, dst += 3) {
    rgb[dst] = rgba[src] ?? 0;
    rgb[dst + 1] = rgba[src + 1] ?? 0;
    rgb[dst + 2] = rgba[src + 2] ?? 0;
  }
  return {
    image: { width, height, channels: 3, data: rgb },
    format: 'bmp',
    orientation: 1,
    timingsMs: { probe: t1 - t0, decode: performance.now() - t1 },
  };
}
