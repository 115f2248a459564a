import type { LimitsConfig } from '../config.js';
import { FaceQualityError } from '../errors.js';

/** The limits the image intake enforces. */
export type ImageLimits = Pick<LimitsConfig, 'maxImageBytes' | 'minSidePx' | 'maxSidePx' | 'maxMegapixels'>;

/** Largest pixel count `limits` accept, as an integer (sharp's `limitInputPixels` wants one). */
export function maxPixels(limits: ImageLimits): number {
  return Math.floor(limits.maxMegapixels * 1e6);
}

/**
 * Throws `INVALID_IMAGE_SIZE` (contract 2003) unless both sides lie in
 * [`minSidePx`, `maxSidePx`] and `widthPx * heightPx` is at most `maxMegapixels * 1e6`.
 * Called with the dimensions read from the header, before any pixel is decoded.
 */
export function assertImageSize(widthPx: number, heightPx: number, limits: ImageLimits): void {
  const { minSidePx, maxSidePx, maxMegapixels } = limits;
  if (Math.min(widthPx, heightPx) < minSidePx || Math.max(widthPx, heightPx) > maxSidePx) {
    throw new FaceQualityError(
      'INVALID_IMAGE_SIZE',
      `Image is ${widthPx}x${heightPx} px; each side must be between ${minSidePx} and ${maxSidePx} px`,
    );
  }
  if (widthPx * heightPx > maxPixels(limits)) {
    throw new FaceQualityError(
      'INVALID_IMAGE_SIZE',
      `Image is ${widthPx}x${heightPx} px (${((widthPx * heightPx) / 1e6).toFixed(1)} MP); at most ${maxMegapixels} MP accepted`,
    );
  }
}
