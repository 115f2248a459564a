import sharp from 'sharp';
import type { RawImage } from '../engine/types.js';

/**
 * Kernel of every shrink of a photo: libvips widens it by the shrink factor, so every source pixel
 * contributes (area-like, no aliasing), which suits the detector and the measures better than a
 * sharpening kernel such as lanczos3.
 */
export const RESIZE_KERNEL = 'linear';

/** A downscaled copy and the factor that maps original pixels onto it. */
export interface ResizedImage {
  readonly image: RawImage;
  /** Resized long side / original long side, in (0, 1]. Divide resized coordinates by it to map back. */
  readonly scale: number;
}

/**
 * Shrinks `image` so that its longer side is `maxSidePx` (aspect ratio kept, each side rounded
 * to whole pixels, at least 1), for the detector's input copy. Returns `image` itself and scale 1
 * when it already fits. Uses sharp on the raw pixels with a linear kernel: libvips widens the
 * kernel by the shrink factor, so every source pixel contributes (area-like, no aliasing), which
 * suits a detector better than a sharpening kernel such as lanczos3.
 * Throws RangeError for a non-positive `maxSidePx` or a buffer that does not match the size.
 */
export async function resizeRaw(image: RawImage, maxSidePx: number): Promise<ResizedImage> {
  const targetLongPx = Math.floor(maxSidePx);
  if (!(targetLongPx >= 1)) throw new RangeError(`maxSidePx must be at least 1, got ${maxSidePx}`);
  if (image.data.length !== image.width * image.height * 3) {
    throw new RangeError(
      `RawImage data has ${image.data.length} bytes, expected ${image.width * image.height * 3}`,
    );
  }
  const longPx = Math.max(image.width, image.height);
  if (longPx <= targetLongPx) return { image, scale: 1 };

  const scale = targetLongPx / longPx;
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  return { image: await resizeRawTo(image, width, height), scale };
}

/**
 * `image` resampled to exactly `width × height` (no aspect ratio kept) with the linear kernel of
 * {@link resizeRaw}. Throws RangeError for a size below 1 pixel.
 */
export async function resizeRawTo(image: RawImage, width: number, height: number): Promise<RawImage> {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1)) {
    throw new RangeError(`target size must be whole pixels >= 1, got ${width}×${height}`);
  }
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(width, height, { fit: 'fill', kernel: RESIZE_KERNEL })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: 3,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}
