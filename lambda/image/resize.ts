import sharp from 'sharp';
import type { RawImage } from '../engine/types.js';

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
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    image: {
      width: info.width,
      height: info.height,
      channels: 3,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    },
    scale,
  };
}
