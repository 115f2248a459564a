/**
 * Face sharpness in [0, 1] from a re-blur metric (Crete et al. 2007, see `pixels/reblur.ts`) on
 * the inner face (brows to mouth) resampled so the inter-ocular distance is at most
 * `SHARPNESS_CANONICAL_IOD_PX`. Large faces are shrunk to that size, so the score does not grow
 * with pixel count; small faces are never enlarged, so they are judged at their own pixel scale.
 */

import { pointBounds } from '../landmarks.js';
import { faceFrame, landmarksUsable, pick } from './pixels/face-frame.js';
import { LUMA_B, LUMA_G, LUMA_R } from './pixels/luma.js';
import { convexHull } from './pixels/polygon.js';
import { reblurBlur } from './pixels/reblur.js';
import { resampleRegion } from './pixels/resample.js';
import type { Box, MeasureInput } from './types.js';

/** Inter-ocular distance, in crop pixels, that larger faces are shrunk to. */
export const SHARPNESS_CANONICAL_IOD_PX = 80;
/**
 * Re-blur amounts mapped to sharpness 1 and 0 (linear in between). Set on the 113 AFW dev photos
 * (ground-truth landmarks): originals have a median amount of 0.385 (5-95 %: 0.27-0.53) -> 0.76;
 * the same photos blurred with sigma = 1 / 2 / 3 px have medians 0.50 / 0.67 / 0.76 -> 0.5 / 0.11 / 0.
 */
export const SHARPNESS_BLUR_AT_ONE = 0.28;
export const SHARPNESS_BLUR_AT_ZERO = 0.72;

/** Inner face: brows, eyes, nose and mouth (landmarks 17-67). */
const INNER_FACE = Array.from({ length: 51 }, (_, i) => 17 + i);

/** The inner-face box, padded by 0.1 inter-ocular distance; the detector box without usable landmarks. */
function sharpnessRegion(input: MeasureInput): { region: Box; iodPx: number } {
  if (!landmarksUsable(input.landmarks)) {
    return { region: input.box, iodPx: Math.max(1, input.box.width / 2.5) };
  }
  const frame = faceFrame(input.landmarks);
  const hull = convexHull(pick(input.landmarks, INNER_FACE));
  const { minX, minY, maxX, maxY } = pointBounds(hull);
  const pad = 0.1 * frame.interOcularPx;
  return {
    region: { x: minX - pad, y: minY - pad, width: maxX - minX + 2 * pad, height: maxY - minY + 2 * pad },
    iodPx: frame.interOcularPx,
  };
}

/** Maps a re-blur amount in [0, 1] onto sharpness in [0, 1]. */
export function sharpnessFromBlur(blur: number): number {
  if (!Number.isFinite(blur)) return 0;
  const s = (SHARPNESS_BLUR_AT_ZERO - blur) / (SHARPNESS_BLUR_AT_ZERO - SHARPNESS_BLUR_AT_ONE);
  return Math.min(1, Math.max(0, s));
}

/**
 * The raw re-blur amount in [0, 1] of the face (0 = crisp, 1 = no detail), before the mapping to a
 * score; 1 when the face region misses the image. Exposed for calibration.
 */
export function faceBlurAmount(input: MeasureInput): number {
  const { region, iodPx } = sharpnessRegion(input);
  const crop = resampleRegion(input.image, region, SHARPNESS_CANONICAL_IOD_PX / iodPx, input.frame);
  if (crop === null) return 1;
  const n = crop.width * crop.height;
  const luma = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    luma[i] =
      LUMA_R * (crop.rgb[3 * i] ?? 0) +
      LUMA_G * (crop.rgb[3 * i + 1] ?? 0) +
      LUMA_B * (crop.rgb[3 * i + 2] ?? 0);
  }
  return reblurBlur({ width: crop.width, height: crop.height, luma });
}

/**
 * Face sharpness in [0, 1]; higher = sharper. 0 when the face region misses the image or has no
 * variation at all.
 */
export function measureSharpness(input: MeasureInput): number {
  return sharpnessFromBlur(faceBlurAmount(input));
}
