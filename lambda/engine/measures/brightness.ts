/**
 * Face brightness: Rec. 601 luma of the face's skin (cheeks, nose, forehead band) at full
 * resolution, mapped linearly onto [-1, 1].
 *
 * Anchors (8-bit gamma-encoded luma): 16 (video black) -> -1, 128 (mid code value) -> 0,
 * 240 (video white) -> +1; values beyond are clamped. Skin that is exposed "normally" sits
 * roughly in 90-180, i.e. about -0.35..+0.45.
 */

import { frameOf, toFramePixels } from '../frame.js';
import type { Point } from '../types.js';
import { faceFrame, landmarksUsable } from './pixels/face-frame.js';
import { LUMA_B, LUMA_G, LUMA_R } from './pixels/luma.js';
import { convexHull, forEachPolygonSpan } from './pixels/polygon.js';
import { skinPolygons } from './pixels/skin-regions.js';
import type { MeasureInput } from './types.js';

/** Luma that maps to 0 (the middle of the 8-bit code range). */
export const BRIGHTNESS_MID_LUMA = 128;
/** Luma distance from the mid anchor to either end (16 -> -1, 240 -> +1). */
export const BRIGHTNESS_HALF_RANGE_LUMA = 112;

/**
 * Sum of luma and pixel count inside `polygon` (full-resolution pixels), over the pixels of
 * `input.image` (the photo, or the region of it around the face) only.
 */
function accumulateLuma(
  input: MeasureInput,
  polygon: readonly Point[],
  acc: { sum: number; count: number },
): void {
  const { width, height, data } = input.image;
  const frame = frameOf(input);
  const inImage = polygon.map((p) => toFramePixels(frame, p));
  forEachPolygonSpan(inImage, width, height, (y, x0, x1) => {
    let o = (y * width + x0) * 3;
    let sum = 0;
    for (let x = x0; x < x1; x++) {
      sum += LUMA_R * (data[o] ?? 0) + LUMA_G * (data[o + 1] ?? 0) + LUMA_B * (data[o + 2] ?? 0);
      o += 3;
    }
    acc.sum += sum;
    acc.count += x1 - x0;
  });
}

/** Maps a mean 8-bit luma onto [-1, 1] with the module's anchors. */
export function brightnessFromLuma(meanLuma: number): number {
  if (!Number.isFinite(meanLuma)) return 0;
  const b = (meanLuma - BRIGHTNESS_MID_LUMA) / BRIGHTNESS_HALF_RANGE_LUMA;
  return Math.min(1, Math.max(-1, b));
}

/**
 * Face brightness in [-1, 1]; higher = brighter, 0 = mid exposure. Averages Rec. 601 luma over the
 * in-image part of the skin polygons; falls back to the landmark hull, then the detector box, when
 * those cover no pixel. Returns 0 when nothing of the face lies in the image.
 */
export function measureBrightness(input: MeasureInput): number {
  const acc = { sum: 0, count: 0 };
  if (landmarksUsable(input.landmarks)) {
    const frame = faceFrame(input.landmarks);
    for (const polygon of skinPolygons(input.landmarks, frame)) accumulateLuma(input, polygon, acc);
    if (acc.count === 0) accumulateLuma(input, convexHull(input.landmarks), acc);
  }
  if (acc.count === 0) {
    const { x, y, width, height } = input.box;
    const boxPolygon = [
      { x, y },
      { x: x + width, y },
      { x: x + width, y: y + height },
      { x, y: y + height },
    ];
    accumulateLuma(input, boxPolygon, acc);
  }
  return acc.count === 0 ? 0 : brightnessFromLuma(acc.sum / acc.count);
}
