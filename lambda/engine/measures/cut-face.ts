/**
 * Landmarks of a face cut by the image border. The landmark net sees black padding where the
 * image ends and squeezes the unseen landmarks toward the visible part, so the raw hull of a half
 * face covers much more than half a face inside the image. Here the 3D mean face
 * (`pose.ts`) is fitted to the landmarks that lie well inside the image only, and its projection
 * stands in for the rest.
 */
import type { Landmarks68 } from '../landmarks.js';
import { LANDMARK_COUNT, pointBounds } from '../landmarks.js';
import { fitPose, POSE_WEIGHTS_68 } from './pose.js';

export interface CutFaceOptions {
  /** A landmark is trusted when it lies at least this share of the face size inside the image. */
  readonly marginShare: number;
  /** Fewest trusted landmarks for a fit; with fewer the raw landmarks are kept. */
  readonly minTrusted: number;
  /** Largest fit RMS error, in mean-face millimetres, for the projection to be used. */
  readonly maxFitRmsMm: number;
}

export const DEFAULT_CUT_FACE_OPTIONS: CutFaceOptions = Object.freeze({
  marginShare: 0.1,
  minTrusted: 15,
  maxFitRmsMm: 12,
});

/**
 * `landmarks` with the points of a face cut by the border estimated from the mean-face fit on the
 * points well inside the `widthPx × heightPx` image; the input itself (same array) when no point
 * lies outside the image or when the fit is not trustworthy. Pure.
 */
export function completeCutFace(
  landmarks: Landmarks68,
  widthPx: number,
  heightPx: number,
  options: CutFaceOptions = DEFAULT_CUT_FACE_OPTIONS,
): Landmarks68 {
  if (landmarks.length !== LANDMARK_COUNT) return landmarks;
  // A face with every point in the image is never changed (the uncut case stays exactly as it was).
  if (landmarks.every((p) => p.x >= 0 && p.y >= 0 && p.x <= widthPx && p.y <= heightPx)) return landmarks;
  const { minX: x0, minY: y0, maxX: x1, maxY: y1 } = pointBounds(landmarks);
  const marginPx = options.marginShare * Math.max(x1 - x0, y1 - y0);
  const trusted = landmarks.map(
    (p) => p.x >= marginPx && p.y >= marginPx && p.x <= widthPx - marginPx && p.y <= heightPx - marginPx,
  );
  const trustedCount = trusted.filter(Boolean).length;
  if (trustedCount === LANDMARK_COUNT || trustedCount < options.minTrusted) return landmarks;
  let fit: ReturnType<typeof fitPose>;
  try {
    fit = fitPose(
      landmarks,
      POSE_WEIGHTS_68.map((w, i) => (trusted[i] ? w : 0)),
    );
  } catch (e) {
    if (e instanceof RangeError) return landmarks;
    throw e;
  }
  if (!(fit.scalePxPerMm > 0) || !(fit.rmsErrorPx / fit.scalePxPerMm <= options.maxFitRmsMm))
    return landmarks;
  return landmarks.map((p, i) => (trusted[i] ? p : (fit.projectedPx[i] ?? p)));
}
