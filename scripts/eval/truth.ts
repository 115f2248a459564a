/**
 * Truth that follows from landmarks: the four judged part regions, their visible share under an
 * occluder mask, the share of the five-features hull inside a crop, the inner-lip opening, the pose a
 * perfect landmarker would give, and the face a detection belongs to.
 */
import type { Landmarks68 } from '../../lambda/engine/landmarks.js';
import { LANDMARK_REGIONS, pointBounds, regionPoints } from '../../lambda/engine/landmarks.js';
import { clipToRect, convexHull, polygonArea } from '../../lambda/engine/measures/five-features.js';
import { mouthOpeningRatio } from '../../lambda/engine/measures/mouth-open.js';
import { faceFrame } from '../../lambda/engine/measures/pixels/face-frame.js';
import { growPolygon } from '../../lambda/engine/measures/pixels/polygon.js';
import { fitPose } from '../../lambda/engine/measures/pose.js';
import type { FaceQuality, Point, Pose, Rect } from '../../lambda/engine/types.js';

export const PARTS = ['left_eye', 'right_eye', 'nose', 'mouth'] as const;
export type PartName = (typeof PARTS)[number];

/** Inter-ocular distance (eye centres) in pixels. */
export function iodPx(landmarks: Landmarks68): number {
  return faceFrame(landmarks).interOcularPx;
}

/**
 * The region a part's visibility is judged on, in image pixels: the convex hull of its landmarks
 * (eyes grown by 5 % of the inter-ocular distance, so a closed eye keeps its lids; nose 27-35; mouth
 * the outer lips 48-59). Defined here, independently of how the engine draws its own regions.
 */
export function partPolygon(landmarks: Landmarks68, part: PartName): Point[] {
  const iod = iodPx(landmarks);
  switch (part) {
    case 'left_eye':
      return growPolygon(convexHull(regionPoints(landmarks, 'subjectLeftEye')), 0.05 * iod);
    case 'right_eye':
      return growPolygon(convexHull(regionPoints(landmarks, 'subjectRightEye')), 0.05 * iod);
    case 'nose':
      return convexHull(regionPoints(landmarks, 'nose'));
    case 'mouth':
      return convexHull(regionPoints(landmarks, 'outerLips'));
  }
}

function insideConvex(polygon: readonly Point[], x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i];
    const b = polygon[(i + 1) % polygon.length];
    if (a === undefined || b === undefined) continue;
    const cross = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
    if (cross !== 0) {
      if (sign === 0) sign = Math.sign(cross);
      else if (Math.sign(cross) !== sign) return false;
    }
  }
  return true;
}

/**
 * Share of `polygon` (convex) NOT covered by `mask` (1 byte per pixel of a `width × height`
 * image, 1 = covered) and inside the image, estimated on a 4×4 sub-pixel grid: the part's true
 * visible fraction.
 */
export function visibleShare(
  polygon: readonly Point[],
  mask: Uint8Array,
  width: number,
  height: number,
): number {
  const { minX, minY, maxX, maxY } = pointBounds(polygon);
  const step = 0.25;
  let total = 0;
  let visible = 0;
  for (let y = Math.floor(minY) + step / 2; y < maxY; y += step) {
    for (let x = Math.floor(minX) + step / 2; x < maxX; x += step) {
      if (!insideConvex(polygon, x, y)) continue;
      total++;
      const px = Math.floor(x);
      const py = Math.floor(y);
      if (px < 0 || py < 0 || px >= width || py >= height) continue;
      if (mask[py * width + px] !== 1) visible++;
    }
  }
  return total === 0 ? 1 : visible / total;
}

/** Visible share of every part under `mask`. */
export function partTruth(
  landmarks: Landmarks68,
  mask: Uint8Array,
  width: number,
  height: number,
): Record<PartName, number> {
  const out = {} as Record<PartName, number>;
  for (const part of PARTS) out[part] = visibleShare(partPolygon(landmarks, part), mask, width, height);
  return out;
}

/** Share of the five-features hull (68 landmarks) inside `[0,w]×[0,h]`: the true integrity. */
export function integrityTruth(landmarks: Landmarks68, widthPx: number, heightPx: number): number {
  const hull = convexHull(landmarks);
  const area = polygonArea(hull);
  return area > 0 ? polygonArea(clipToRect(hull, widthPx, heightPx)) / area : 0;
}

/** Inner-lip gap over mouth width from the (ground-truth) landmarks: the mouth-opening truth. */
export function mouthOpeningTruth(landmarks: Landmarks68): number {
  return mouthOpeningRatio(landmarks);
}

/** Head pose fitted on the ground-truth landmarks with the engine's 3D face (the pose proxy). */
export function poseTruth(landmarks: Landmarks68): Pose | null {
  try {
    const { pose } = fitPose(landmarks);
    return [pose.yaw, pose.pitch, pose.roll].every(Number.isFinite) ? pose : null;
  } catch {
    return null;
  }
}

function iou(a: Rect, b: { minX: number; minY: number; maxX: number; maxY: number }): number {
  const ix = Math.max(0, Math.min(a.right, b.maxX) - Math.max(a.left, b.minX));
  const iy = Math.max(0, Math.min(a.bottom, b.maxY) - Math.max(a.top, b.minY));
  const inter = ix * iy;
  const union = (a.right - a.left) * (a.bottom - a.top) + (b.maxX - b.minX) * (b.maxY - b.minY) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * The answered face that belongs to the truth landmarks: highest IoU between its `rect` and the
 * landmarks' bounds (clipped to the image), at least 0.25; undefined when none qualifies.
 */
export function matchFace(
  faces: readonly FaceQuality[],
  truth: Landmarks68,
  widthPx: number,
  heightPx: number,
): FaceQuality | undefined {
  const b = pointBounds(truth);
  const clipped = {
    minX: Math.max(0, b.minX),
    minY: Math.max(0, b.minY),
    maxX: Math.min(widthPx, b.maxX),
    maxY: Math.min(heightPx, b.maxY),
  };
  let best: FaceQuality | undefined;
  let bestIou = 0.25;
  for (const f of faces) {
    const v = iou(f.rect, clipped);
    if (v >= bestIou) {
      best = f;
      bestIou = v;
    }
  }
  return best;
}

/** Landmarks moved by `(dx, dy)` and scaled by `s` about the origin: p' = s·p + d. */
export function mapLandmarks(landmarks: Landmarks68, s: number, dx: number, dy: number): Point[] {
  return landmarks.map((p) => ({ x: s * p.x + dx, y: s * p.y + dy }));
}

export { LANDMARK_REGIONS };
