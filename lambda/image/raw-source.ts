/** An {@link ImageSource} over pixels already in memory (BMP uploads, tests, evaluation scripts). */
import type { ImageSource, PixelRect, RawImage, RegionImage } from '../engine/types.js';
import { regionImage, regionInShrunk } from './region.js';
import { resizeRaw, resizeRawTo } from './resize.js';

/** Copies `rect` (whole pixels, inside `image`) out of `image`. */
export function cropRaw(image: RawImage, rect: PixelRect): RawImage {
  const data = new Uint8Array(rect.width * rect.height * 3);
  const rowBytes = rect.width * 3;
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.y + y) * image.width + rect.x) * 3;
    data.set(image.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return { width: rect.width, height: rect.height, channels: 3, data };
}

/**
 * `image` as an {@link ImageSource}. Shrunk copies are made with the same linear kernel as the
 * file-backed source; the whole-photo shrink for one scale is kept, so regions at that scale are
 * cut from it without resampling again.
 */
export function rawImageSource(image: RawImage): ImageSource {
  let shrunkCache: { width: number; height: number; image: Promise<RawImage> } | undefined;
  const shrunkTo = (width: number, height: number): Promise<RawImage> => {
    if (shrunkCache?.width !== width || shrunkCache.height !== height) {
      shrunkCache = { width, height, image: resizeRawTo(image, width, height) };
    }
    return shrunkCache.image;
  };
  return {
    width: image.width,
    height: image.height,
    downscaled: async (maxSidePx) => (await resizeRaw(image, maxSidePx)).image,
    region: async (rect, scale): Promise<RegionImage> => {
      const placed = regionInShrunk(rect, image.width, image.height, scale);
      const whole = scale === 1 ? image : await shrunkTo(placed.shrunk.width, placed.shrunk.height);
      return regionImage(cropRaw(whole, placed.rect), placed);
    },
  };
}
