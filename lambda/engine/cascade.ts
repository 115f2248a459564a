/**
 * The detection cascade's decisions, as pure functions: BlazeFace looks first (cheap); SSD
 * MobileNetV1 looks as well when BlazeFace found nothing, was unsure, or saw small faces (a group
 * photo, where BlazeFace's 256-px input misses the smallest); every box is then verified by the
 * FaceMesh face-presence score (`isHumanFace`). Constants come from `scripts/eval-detection.ts` runs on
 * the dev sets.
 */
import type { Box } from './measures/types.js';
import type { Detection } from './models/face-detector.js';
import { iou } from './models/nms.js';

/**
 * BlazeFace boxes are wider and sit lower than SSD MobileNetV1 boxes, on which the landmark crop,
 * the cut-face completion and `rect` were calibrated. Medians over faces both detectors found
 * (score ≥ 0.5, IoU ≥ 0.3) in 24 AFW photos depend on face size: faces under 60 px in the detector
 * copy dy −0.152, width 0.938, height 1.325 (35 faces); 60-120 px −0.119, 0.864, 1.228 (37); from
 * 120 px −0.050, 0.892, 1.043 (5), and the astronaut fixture (a 512 px portrait, the
 * selfie/ID case) −0.04, 0.81, 0.98. The fixture's values are used: the occlusion tests place their
 * patches relative to `rect`, and large faces are what the API serves (small faces in group photos
 * get SSD boxes from the
 * cascade's second stage). dx is 0 by mirror symmetry (measured −0.014).
 */
export const BLAZEFACE_TO_SSD: BoxMapping = Object.freeze({ dx: 0, dy: -0.04, width: 0.81, height: 0.98 });

/** Centre shift (in box sizes) and size factors that map one detector's boxes onto another's. */
export interface BoxMapping {
  readonly dx: number;
  readonly dy: number;
  readonly width: number;
  readonly height: number;
}

/** A BlazeFace box in SSD MobileNetV1 geometry (see {@link BLAZEFACE_TO_SSD}). */
export function toSsdGeometry(box: Box, k: BoxMapping = BLAZEFACE_TO_SSD): Box {
  const cx = box.x + box.width / 2 + k.dx * box.width;
  const cy = box.y + box.height / 2 + k.dy * box.height;
  const width = box.width * k.width;
  const height = box.height * k.height;
  return { x: cx - width / 2, y: cy - height / 2, width, height };
}

/** What decides whether SSD MobileNetV1 runs after BlazeFace. */
export interface CascadeConfig {
  /** BlazeFace boxes scoring below this are unsure: SSD looks too. */
  readonly blazefaceSureScore: number;
  /** BlazeFace boxes narrower than this share of the detector copy's longer side mean small faces: SSD looks too. */
  readonly blazefaceMinFaceShare: number;
}

/**
 * True when SSD MobileNetV1 must look as well: BlazeFace found nothing, one of its boxes is
 * unsure, or one is small. `copyLongSidePx` is the longer side of the image BlazeFace saw.
 */
export function needsSsd(
  found: readonly Detection[],
  copyLongSidePx: number,
  config: CascadeConfig,
): boolean {
  if (found.length === 0) return true;
  return found.some(
    (d) =>
      d.score < config.blazefaceSureScore ||
      Math.max(d.box.width, d.box.height) < config.blazefaceMinFaceShare * copyLongSidePx,
  );
}

/**
 * SSD's detections plus BlazeFace's that overlap none of them by more than `iouThreshold`:
 * where both found a face, SSD's box (the calibrated geometry) is kept. Pure.
 */
export function mergeDetections<T extends Detection>(
  ssd: readonly T[],
  blazeface: readonly T[],
  iouThreshold: number,
): T[] {
  return [...ssd, ...blazeface.filter((b) => ssd.every((s) => iou(s.box, b.box) <= iouThreshold))];
}

/** What decides whether a candidate box is a human face. */
export interface VerifyConfig {
  /** FaceMesh face-presence score that verifies any box on its own, in [0,1]. */
  readonly verifyMinScore: number;
  /** FaceMesh face-presence score that verifies a box SSD MobileNetV1 found at `minDetectionScore`, in [0,1]. */
  readonly verifyMinScoreWithSsd: number;
  /** SSD MobileNetV1's own threshold, in [0,1]. */
  readonly minDetectionScore: number;
}

/**
 * True when a candidate box is a human face: FaceMesh's face-presence score (best over the
 * verification crops, in [0,1]) reaches `verifyMinScore`, or SSD MobileNetV1 scored the box at
 * least `minDetectionScore` (`ssdScore`, undefined for a box only BlazeFace found) and FaceMesh
 * does not rule it out (`verifyMinScoreWithSsd`). FaceMesh scores masked faces, above all with
 * sunglasses or a cap, far below 0.5 where SSD is sure; it scores the cat's SSD boxes below 0.01.
 * Pure.
 */
export function isHumanFace(presence: number, ssdScore: number | undefined, config: VerifyConfig): boolean {
  if (presence >= config.verifyMinScore) return true;
  return (
    ssdScore !== undefined && ssdScore >= config.minDetectionScore && presence >= config.verifyMinScoreWithSsd
  );
}
