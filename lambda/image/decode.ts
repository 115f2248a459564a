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
import sharp, { type Sharp } from 'sharp';
import type { ImageSource, RawImage } from '../engine/types.js';
import { FaceQualityError, isFaceQualityError } from '../errors.js';
import { canonicalBmp, parseBmpHeader } from './bmp.js';
import { detectImageFormat, type ImageFormat } from './format.js';
import { rawImageSource } from './raw-source.js';
import { regionImage, regionInShrunk, shrunkSize } from './region.js';
import { RESIZE_KERNEL } from './resize.js';
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
  const format = checkBytes(bytes, limits);
  return guarded(
    () => (format === 'bmp' ? decodeBmp(bytes, limits) : decodeWithSharp(bytes, format, limits)),
    format,
  );
}

/** Byte-size limits and the magic bytes: the checks that come before any parser runs. */
function checkBytes(bytes: Uint8Array, limits: ImageLimits): ImageFormat {
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
  return format;
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

/** sharp constructor options of every decode of an upload: the limits, EXIF orientation, first frame. */
function sharpInput(bytes: Uint8Array, limits: ImageLimits): Sharp {
  return sharp(bytes, {
    failOn: FAIL_ON,
    limitInputPixels: Math.max(1, maxPixels(limits)),
    autoOrient: true,
    pages: 1,
    page: 0,
  });
}

/** Upright 8-bit sRGB pixels out of a sharp pipeline; transparency flattened onto white. */
async function toRgb(pipeline: Sharp, format: ImageFormat): Promise<RawImage> {
  const { data, info } = await pipeline
    .flatten({ background: WHITE })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
    throw new FaceQualityError('INVALID_IMAGE_TYPE', `Unsupported ${format.toUpperCase()} pixel layout`);
  }
  return {
    width: info.width,
    height: info.height,
    channels: 3,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** Header read: format check, upright size against the limits, EXIF orientation tag. */
async function probeWithSharp(
  bytes: Uint8Array,
  format: ImageFormat,
  limits: ImageLimits,
): Promise<{ width: number; height: number; orientation: number }> {
  // limitInputPixels is off here so that an oversized header gets our precise message.
  const meta = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata();
  if (meta.format !== format) {
    throw new FaceQualityError('INVALID_IMAGE_TYPE', `Corrupt ${format.toUpperCase()} image`);
  }
  // autoOrient dimensions already swap width and height for orientations 5-8.
  assertImageSize(meta.autoOrient.width, meta.autoOrient.height, limits);
  const orientation =
    meta.orientation !== undefined && meta.orientation >= 1 && meta.orientation <= 8 ? meta.orientation : 1;
  return { width: meta.autoOrient.width, height: meta.autoOrient.height, orientation };
}

async function decodeWithSharp(
  bytes: Uint8Array,
  format: ImageFormat,
  limits: ImageLimits,
): Promise<DecodedImage> {
  const t0 = performance.now();
  const { orientation } = await probeWithSharp(bytes, format, limits);
  const t1 = performance.now();
  const image = await toRgb(sharpInput(bytes, limits), format);
  return { image, format, orientation, timingsMs: { probe: t1 - t0, decode: performance.now() - t1 } };
}

/**
 * An {@link ImageSource} over the encoded file: every request of pixels is one sharp pipeline, so
 * libvips decodes only what it needs (JPEG and WebP shrink-on-load when the resize is part of the
 * pipeline; rows below a region are not decoded). A photo already small enough for the detector
 * is decoded once and served from memory.
 */
function sharpSource(
  bytes: Uint8Array,
  format: ImageFormat,
  limits: ImageLimits,
  size: { width: number; height: number },
): ImageSource {
  let whole: Promise<ImageSource> | undefined;
  const inMemory = (): Promise<ImageSource> => {
    whole ??= guarded(async () => rawImageSource(await toRgb(sharpInput(bytes, limits), format)), format);
    return whole;
  };
  return {
    width: size.width,
    height: size.height,
    downscaled: async (maxSidePx) => {
      if (Math.max(size.width, size.height) <= maxSidePx) return (await inMemory()).downscaled(maxSidePx);
      const target = shrunkSize(size.width, size.height, maxSidePx / Math.max(size.width, size.height));
      return guarded(
        () =>
          toRgb(
            sharpInput(bytes, limits).resize(target.width, target.height, {
              fit: 'fill',
              kernel: RESIZE_KERNEL,
            }),
            format,
          ),
        format,
      );
    },
    region: async (rect, scale) => {
      if (whole !== undefined) return (await whole).region(rect, scale);
      const placed = regionInShrunk(rect, size.width, size.height, scale);
      let pipeline = sharpInput(bytes, limits);
      if (placed.shrunk.width !== size.width || placed.shrunk.height !== size.height) {
        pipeline = pipeline.resize(placed.shrunk.width, placed.shrunk.height, {
          fit: 'fill',
          kernel: RESIZE_KERNEL,
        });
      }
      const { x, y, width, height } = placed.rect;
      const pixels = await guarded(
        () => toRgb(pipeline.extract({ left: x, top: y, width, height }), format),
        format,
      );
      return regionImage(pixels, placed);
    },
  };
}

/** Runs a decode step, turning whatever sharp throws into the intake's FaceQualityError. */
async function guarded<T>(step: () => Promise<T>, format: ImageFormat): Promise<T> {
  try {
    return await step();
  } catch (e) {
    throw asFaceQualityError(e, format);
  }
}

/** An upload whose header passed the checks, ready to be decoded piece by piece. */
export interface OpenedImage {
  /** The photo's pixels on demand (upright, RGB, same conventions as {@link decodeImage}). */
  readonly source: ImageSource;
  readonly format: ImageFormat;
  /** EXIF orientation tag (1-8) as found in the file, applied to every pixel `source` gives; 1 if none. */
  readonly orientation: number;
  /** Wall time of the header read (and, for BMP, of the whole decode), in milliseconds. */
  readonly timingsMs: { readonly probe: number };
}

/**
 * Checks an upload like {@link decodeImage} (bytes, signature, header, pixel limits) without
 * decoding its pixels; the engine then decodes only what it needs through `source`. BMP is decoded
 * whole here (jimp has no partial decode). Throws the same {@link FaceQualityError}s as
 * {@link decodeImage} for everything the header shows; `source` rejects with `INVALID_IMAGE_TYPE`
 * when the pixel data turns out corrupt or truncated.
 */
export async function openImage(bytes: Uint8Array, limits: ImageLimits): Promise<OpenedImage> {
  const format = checkBytes(bytes, limits);
  const t0 = performance.now();
  if (format === 'bmp') {
    const decoded = await guarded(() => decodeBmp(bytes, limits), format);
    return {
      source: rawImageSource(decoded.image),
      format,
      orientation: 1,
      timingsMs: { probe: performance.now() - t0 },
    };
  }
  const probed = await guarded(() => probeWithSharp(bytes, format, limits), format);
  return {
    source: sharpSource(bytes, format, limits, probed),
    format,
    orientation: probed.orientation,
    timingsMs: { probe: performance.now() - t0 },
  };
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
