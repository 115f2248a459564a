/**
 * The 68-point iBUG landmark scheme (the one face-api's `faceLandmark68Net` predicts), named once.
 * Regions are named from the SUBJECT's point of view, as the contract does: the subject's left eye
 * is on the image's right (points 42-47). face-api calls that one `getRightEye()`; never use its names.
 */
import type { Point } from './types.js';

/** Index ranges `[first, lastInclusive]` of each region in the 68-point array. */
export const LANDMARK_REGIONS = Object.freeze({
  jaw: [0, 16],
  /** Eyebrow on the image's left. */
  subjectRightBrow: [17, 21],
  /** Eyebrow on the image's right. */
  subjectLeftBrow: [22, 26],
  noseBridge: [27, 30],
  noseBase: [31, 35],
  /** Whole nose: bridge and base. */
  nose: [27, 35],
  /** Eye on the image's left. */
  subjectRightEye: [36, 41],
  /** Eye on the image's right. */
  subjectLeftEye: [42, 47],
  /** Outer and inner lip contours. */
  mouth: [48, 67],
  outerLips: [48, 59],
  innerLips: [60, 67],
} as const satisfies Record<string, readonly [number, number]>);

export type LandmarkRegion = keyof typeof LANDMARK_REGIONS;

/** Single named points used by the geometry. */
export const LANDMARK_POINTS = Object.freeze({
  chin: 8,
  noseTip: 30,
  subjectRightEyeOuter: 36,
  subjectRightEyeInner: 39,
  subjectLeftEyeInner: 42,
  subjectLeftEyeOuter: 45,
  mouthRightCorner: 48,
  mouthLeftCorner: 54,
  upperLipInnerMid: 62,
  lowerLipInnerMid: 66,
  upperLipOuterMid: 51,
  lowerLipOuterMid: 57,
} as const satisfies Record<string, number>);

/**
 * Inner-lip points facing each other across the mouth, as (upper, lower) pairs from the image's
 * left to its right: their distances are the mouth's opening.
 */
export const INNER_LIP_FACING_PAIRS = Object.freeze([
  [61, 67],
  [62, 66],
  [63, 65],
] as const satisfies readonly (readonly [number, number])[]);

export const LANDMARK_COUNT = 68;

/** 68 landmarks in full-resolution image pixels; points may lie outside the image. */
export type Landmarks68 = readonly Point[];

/** The points of one region, in scheme order. Throws if `landmarks` is not a 68-point set. */
export function regionPoints(landmarks: Landmarks68, region: LandmarkRegion): Point[] {
  if (landmarks.length !== LANDMARK_COUNT) {
    throw new RangeError(`expected ${LANDMARK_COUNT} landmarks, got ${landmarks.length}`);
  }
  const [first, last] = LANDMARK_REGIONS[region];
  return landmarks.slice(first, last + 1);
}

/** One named point. */
export function landmarkPoint(landmarks: Landmarks68, name: keyof typeof LANDMARK_POINTS): Point {
  const p = landmarks[LANDMARK_POINTS[name]];
  if (p === undefined) throw new RangeError(`landmark ${name} missing`);
  return p;
}

/** Mean of a set of points. */
export function centroid(points: readonly Point[]): Point {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  const n = Math.max(points.length, 1);
  return { x: x / n, y: y / n };
}

/** Axis-aligned bounds of a set of points, in their pixels (infinite for no points). */
export interface PointBounds {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/** Bounds of `points`; `minX > maxX` when there are none. */
export function pointBounds(points: readonly Point[]): PointBounds {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  return { minX, minY, maxX, maxY };
}
