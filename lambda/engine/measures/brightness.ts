/**
 * Face brightness: how well the face is exposed, on [-1, 1] (0 = the exposure of a typical
 * photo, -1 = two stops darker, +1 = two stops brighter).
 *
 * The exposure estimate is the weighted geometric mean of two luma levels (Rec. 601, 8-bit):
 * - the face's highlights: the {@link BRIGHTNESS_HIGHLIGHT_PERCENTILE} percentile of the luma in a
 *   square of {@link BRIGHTNESS_CONTEXT_SCALE} × the landmarks' extent around the face (eye whites,
 *   teeth, specular highlights on skin, the lit surroundings), weight 3/4;
 * - the mean luma of the face's skin (cheeks, nose, forehead band), weight 1/4.
 * Skin alone mixes exposure with skin tone (a dark-skinned face in good light reads as dim); the
 * highlights carry the exposure, the skin keeps the score tied to the face itself (a backlit face
 * reads darker than its background). On the train split of the development data, the AUC of
 * "original vs pixel values × 0.6" pooled over faces is 0.986 for this estimate and 0.927 for
 * mean skin luma (`scripts/calibrate-measures.ts`).
 * brightness = log2(exposure / BRIGHTNESS_TYPICAL_LUMA) / 2, clamped.
 */
import { frameOf, toFramePixels } from '../frame.js';
import { pointBounds } from '../landmarks.js';
import type { Point } from '../types.js';
import { faceFrame, landmarksUsable } from './pixels/face-frame.js';
import { LUMA_B, LUMA_G, LUMA_R } from './pixels/luma.js';
import { convexHull, forEachPolygonSpan } from './pixels/polygon.js';
import { skinPolygons } from './pixels/skin-regions.js';
import type { MeasureInput } from './types.js';

/** Exposure estimate (luma) that maps to 0: the median over the train split's unperturbed clean faces (436 faces: median 210.5, p5 163, p95 237; `npm run calibrate`). */
export const BRIGHTNESS_TYPICAL_LUMA = 210;
/** Stops (factors of 2) of exposure from 0 to either end of the range. */
export const BRIGHTNESS_STOPS_PER_UNIT = 2;
/** Weight of the skin's mean luma in the exposure estimate (the highlights get the rest). */
export const BRIGHTNESS_SKIN_WEIGHT = 0.25;
/** Percentile of the luma around the face taken as its highlights. */
export const BRIGHTNESS_HIGHLIGHT_PERCENTILE = 0.995;
/** Side of the square the highlights are taken from, over the longer side of the landmarks' bounds. */
export const BRIGHTNESS_CONTEXT_SCALE = 2;
/**
 * About how many pixels of the context square the highlight percentile reads: every k-th pixel of
 * every k-th row when the square holds more. At the region scale a large face's square holds about
 * 0.5 MP (12 ms of the request); 2^16 samples leave about 330 above the percentile, and make the
 * estimate the same at any resolution.
 */
export const BRIGHTNESS_HIGHLIGHT_SAMPLES = 65_536;

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

/** Maps an exposure estimate (8-bit luma) onto [-1, 1] with the module's anchors. */
export function brightnessFromLuma(exposureLuma: number): number {
  if (!Number.isFinite(exposureLuma)) return 0;
  const stops = Math.log2(Math.max(1, exposureLuma) / BRIGHTNESS_TYPICAL_LUMA);
  return Math.min(1, Math.max(-1, stops / BRIGHTNESS_STOPS_PER_UNIT));
}

/**
 * Mean luma of the face's skin polygons (the landmark hull, then the box, when they cover no
 * pixel); NaN when none is in the image. Exported for calibration.
 */
export function skinMeanLuma(input: MeasureInput): number {
  const acc = { sum: 0, count: 0 };
  if (landmarksUsable(input.landmarks)) {
    const frame = faceFrame(input.landmarks);
    for (const polygon of skinPolygons(input.landmarks, frame)) accumulateLuma(input, polygon, acc);
    if (acc.count === 0) accumulateLuma(input, convexHull(input.landmarks), acc);
  }
  if (acc.count === 0) accumulateLuma(input, boxPolygon(input.box), acc);
  return acc.count === 0 ? Number.NaN : acc.sum / acc.count;
}

function boxPolygon(box: MeasureInput['box']): Point[] {
  const { x, y, width, height } = box;
  return [
    { x, y },
    { x: x + width, y },
    { x: x + width, y: y + height },
    { x, y: y + height },
  ];
}

/** The luma percentile of the face's context square (see the module header); NaN when it misses the image. */
function highlightLuma(input: MeasureInput): number {
  const points = landmarksUsable(input.landmarks) ? input.landmarks : boxPolygon(input.box);
  const { minX, minY, maxX, maxY } = pointBounds(points);
  const half = (BRIGHTNESS_CONTEXT_SCALE * Math.max(maxX - minX, maxY - minY)) / 2;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const { width, height, data } = input.image;
  const frame = frameOf(input);
  const square = boxPolygon({ x: cx - half, y: cy - half, width: 2 * half, height: 2 * half }).map((p) =>
    toFramePixels(frame, p),
  );
  const sidePx = 2 * half * frame.scale;
  const stride = Math.max(1, Math.floor(sidePx / Math.sqrt(BRIGHTNESS_HIGHLIGHT_SAMPLES)));
  // A 256-bin histogram: the percentile without sorting.
  const histogram = new Uint32Array(256);
  let count = 0;
  forEachPolygonSpan(square, width, height, (y, x0, x1) => {
    if (y % stride !== 0) return;
    // Columns on a fixed grid (multiples of the stride), whatever the span's start.
    const first = Math.ceil(x0 / stride) * stride;
    let o = (y * width + first) * 3;
    for (let x = first; x < x1; x += stride) {
      const l = LUMA_R * (data[o] ?? 0) + LUMA_G * (data[o + 1] ?? 0) + LUMA_B * (data[o + 2] ?? 0);
      const bin = Math.min(255, Math.round(l));
      histogram[bin] = (histogram[bin] ?? 0) + 1;
      o += 3 * stride;
      count++;
    }
  });
  if (count === 0) return Number.NaN;
  const rank = BRIGHTNESS_HIGHLIGHT_PERCENTILE * (count - 1);
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v] ?? 0;
    if (seen > rank) return v;
  }
  return 255;
}

/**
 * The exposure estimate of the face in 8-bit luma (see the module header); NaN when nothing of the
 * face lies in the image. Exposed for calibration.
 */
export function faceExposureLuma(input: MeasureInput): number {
  const skin = skinMeanLuma(input);
  const highlights = highlightLuma(input);
  if (!Number.isFinite(skin) || !Number.isFinite(highlights)) return Number.NaN;
  return (
    Math.max(1, skin) ** BRIGHTNESS_SKIN_WEIGHT * Math.max(1, highlights) ** (1 - BRIGHTNESS_SKIN_WEIGHT)
  );
}

/**
 * Face brightness in [-1, 1]; higher = brighter, 0 = typical exposure. Returns 0 when nothing of
 * the face lies in the image.
 */
export function measureBrightness(input: MeasureInput): number {
  const exposure = faceExposureLuma(input);
  return Number.isFinite(exposure) ? brightnessFromLuma(exposure) : 0;
}
