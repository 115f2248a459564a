/**
 * Mouth closedness in [0, 1] (1 = closed), as the contract's `mouth_open` ("higher = less open").
 *
 * Opening ratio r = mean inner-lip gap |61-67|, |62-66|, |63-65| divided by the outer mouth width
 * |48-54| (both in image pixels, so the ratio does not depend on face size or roll).
 * Anchors: r <= 0.05 (lips together; landmark jitter) -> 1, r >= 0.45 (wide open, e.g. surprise)
 * -> 0, with a smoothstep in between so the score is continuous and flat at both ends.
 */
import { INNER_LIP_FACING_PAIRS, LANDMARK_POINTS, type Landmarks68 } from '../landmarks.js';
import { landmarksUsable } from './pixels/face-frame.js';
import type { MeasureInput } from './types.js';

export const MOUTH_CLOSED_RATIO = 0.05;
export const MOUTH_WIDE_OPEN_RATIO = 0.45;

function distance(landmarks: Landmarks68, a: number, b: number): number {
  const p = landmarks[a];
  const q = landmarks[b];
  if (p === undefined || q === undefined) return 0;
  return Math.hypot(p.x - q.x, p.y - q.y);
}

/** Inner-lip gap over outer mouth width; 0 for a collapsed mouth. */
export function mouthOpeningRatio(landmarks: Landmarks68): number {
  const width = distance(landmarks, LANDMARK_POINTS.mouthRightCorner, LANDMARK_POINTS.mouthLeftCorner);
  if (!(width > 1e-6)) return 0;
  let gap = 0;
  for (const [upper, lower] of INNER_LIP_FACING_PAIRS) gap += distance(landmarks, upper, lower);
  return gap / INNER_LIP_FACING_PAIRS.length / width;
}

/** Maps an opening ratio onto closedness in [0, 1] with the module's anchors; NaN stays NaN (no made-up answer). */
export function closednessFromRatio(ratio: number): number {
  if (Number.isNaN(ratio)) return Number.NaN;
  const t = Math.min(
    1,
    Math.max(0, (ratio - MOUTH_CLOSED_RATIO) / (MOUTH_WIDE_OPEN_RATIO - MOUTH_CLOSED_RATIO)),
  );
  return 1 - t * t * (3 - 2 * t);
}

/**
 * Mouth closedness in [0, 1]; 1 = closed, 0 = wide open. Throws RangeError when the landmarks are
 * not 68 finite points: there is no mouth to judge (`assessFace` never passes such a face).
 */
export function measureMouthOpen(input: MeasureInput): number {
  if (!landmarksUsable(input.landmarks)) throw new RangeError('mouth_open needs 68 finite landmarks');
  return closednessFromRatio(mouthOpeningRatio(input.landmarks));
}
