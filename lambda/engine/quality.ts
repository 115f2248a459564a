/**
 * One face's contract object from its measure input: every measure is a pure function of
 * (full-resolution image, 68 landmarks, detector box) and of what the trained heads said of the
 * face. Rounding for the wire happens here only.
 */
import { measureBrightness } from './measures/brightness.js';
import { measureDistance2Center } from './measures/distance2center.js';
import { fiveFeaturesOf } from './measures/five-features.js';
import { measureIntegrity } from './measures/integrity.js';
import { measureMouthOpen } from './measures/mouth-open.js';
import { measureOcclusion } from './measures/occlusion.js';
import { landmarksUsable } from './measures/pixels/face-frame.js';
import { measurePose } from './measures/pose.js';
import { measureRect } from './measures/rect.js';
import { measureSharpness } from './measures/sharpness.js';
import { measureSize } from './measures/size.js';
import type { MeasureInput } from './measures/types.js';
import type { PartVisibility } from './models/occlusion-head.js';
import type { FaceQuality, Occlusion, Pose } from './types.js';

/** What the trained heads said about one face, fed to the measures that use them. */
export interface LearnedMeasures {
  /** The occlusion head's visible share per part; absent = analytic occlusion. */
  readonly occlusion?: PartVisibility;
}

/** Decimal places of every float in the response. */
export const OUTPUT_DECIMALS = 4;

/**
 * All measures of one face, unrounded; null when the face is not measurable: its landmarks are not
 * 68 finite points or are degenerate (collapsed or collinear, so no head pose can be fitted). Such a
 * face has no honest pose, occlusion or mouth opening, and a default (a frontal pose, a visible
 * face) would read as a real measurement, so the engine leaves it out of `faces`.
 */
export function assessFace(input: MeasureInput, learned: LearnedMeasures = {}): FaceQuality | null {
  if (!landmarksUsable(input.landmarks)) return null;
  const pose = measurePose(input);
  if (pose === null) return null;
  const features = fiveFeaturesOf(input);
  return {
    rect: measureRect(input),
    pose,
    occlusion: measureOcclusion(input, learned.occlusion),
    distance2center: measureDistance2Center(input, features),
    size: measureSize(input, features),
    brightness: measureBrightness(input),
    sharpness: measureSharpness(input),
    mouth_open: measureMouthOpen(input),
    integrity: measureIntegrity(input, features),
  };
}

/** `value` rounded to `decimals` places; −0 becomes 0. Non-finite values stay non-finite. */
export function roundTo(value: number, decimals: number = OUTPUT_DECIMALS): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f + 0;
}

/**
 * The face with every float rounded to {@link OUTPUT_DECIMALS} places (rect is already integral).
 *
 * Last-resort guard: null when any field is not a finite number. Every measure is built to return
 * finite values for a measurable face (`assessFace`), so this only fires on a bug; the face is then
 * left out rather than sent with NaN (which JSON turns into null) or a made-up number.
 */
export function roundQuality(face: FaceQuality): FaceQuality | null {
  const pose: Pose = {
    yaw: roundTo(face.pose.yaw),
    pitch: roundTo(face.pose.pitch),
    roll: roundTo(face.pose.roll),
  };
  const o = face.occlusion;
  const occlusion: Occlusion = {
    left_eye: roundTo(o.left_eye),
    right_eye: roundTo(o.right_eye),
    nose: roundTo(o.nose),
    mouth: roundTo(o.mouth),
    total: roundTo(o.total),
  };
  const rounded: FaceQuality = {
    rect: face.rect,
    pose,
    occlusion,
    distance2center: roundTo(face.distance2center),
    size: roundTo(face.size),
    brightness: roundTo(face.brightness),
    sharpness: roundTo(face.sharpness),
    mouth_open: roundTo(face.mouth_open),
    integrity: roundTo(face.integrity),
  };
  const numbers = [
    ...Object.values(rounded.rect),
    ...Object.values(pose),
    ...Object.values(occlusion),
    rounded.distance2center,
    rounded.size,
    rounded.brightness,
    rounded.sharpness,
    rounded.mouth_open,
    rounded.integrity,
  ];
  return numbers.every(Number.isFinite) ? rounded : null;
}
