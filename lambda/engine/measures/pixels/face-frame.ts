/** Face-relative geometry from 68 landmarks: eye centres, inter-ocular distance, "up" direction. */
import { centroid, LANDMARK_COUNT, type Landmarks68, pointBounds, regionPoints } from '../../landmarks.js';
import type { Point } from '../../types.js';

export interface FaceFrame {
  /** Centre of the subject's right eye (image left) and left eye (image right). */
  readonly rightEye: Point;
  readonly leftEye: Point;
  /** Distance between the eye centres in full-resolution pixels, at least 1. */
  readonly interOcularPx: number;
  /** Unit vector pointing from the mouth towards the eyes (image "up" for an upright face). */
  readonly up: Point;
}

/** True when `landmarks` holds 68 finite points. */
export function landmarksUsable(landmarks: Landmarks68): boolean {
  return (
    landmarks.length === LANDMARK_COUNT &&
    landmarks.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
  );
}

/**
 * The face frame of a usable 68-point set. The inter-ocular distance falls back to a third of the
 * landmark bounding-box diagonal when the eyes coincide, and to 1 px for a collapsed set.
 */
export function faceFrame(landmarks: Landmarks68): FaceFrame {
  const rightEye = centroid(regionPoints(landmarks, 'subjectRightEye'));
  const leftEye = centroid(regionPoints(landmarks, 'subjectLeftEye'));
  const mouth = centroid(regionPoints(landmarks, 'mouth'));
  let iod = Math.hypot(leftEye.x - rightEye.x, leftEye.y - rightEye.y);
  if (!(iod >= 1)) {
    const { minX, minY, maxX, maxY } = pointBounds(landmarks);
    iod = Math.max(1, Math.hypot(maxX - minX, maxY - minY) / 3);
  }
  // "Up" is perpendicular to the eye line, on the side away from the mouth; default image-up.
  const ex = leftEye.x - rightEye.x;
  const ey = leftEye.y - rightEye.y;
  const len = Math.hypot(ex, ey);
  let up: Point = { x: 0, y: -1 };
  if (len > 0) {
    const nx = ey / len;
    const ny = -ex / len;
    const mid = { x: (leftEye.x + rightEye.x) / 2, y: (leftEye.y + rightEye.y) / 2 };
    const towardMouth = (mouth.x - mid.x) * nx + (mouth.y - mid.y) * ny;
    up = towardMouth > 0 ? { x: -nx, y: -ny } : { x: nx, y: ny };
  }
  return { rightEye, leftEye, interOcularPx: iod, up };
}

/** Landmark points by index list; the caller guarantees 68 points. */
export function pick(landmarks: Landmarks68, indices: readonly number[]): Point[] {
  const out: Point[] = [];
  for (const i of indices) {
    const p = landmarks[i];
    if (p !== undefined) out.push(p);
  }
  return out;
}
