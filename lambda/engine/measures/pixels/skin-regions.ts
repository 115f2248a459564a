/** Landmark polygons of the face's skin (cheeks, nose, forehead) used as the face's own reference. */
import type { Landmarks68 } from '../../landmarks.js';
import type { Point } from '../../types.js';
import { type FaceFrame, pick } from './face-frame.js';
import { scalePolygon } from './polygon.js';

/** Cheek below the image-left eye, between the jaw contour, the nostril and the mouth corner. */
const CHEEK_IMAGE_LEFT = [36, 41, 40, 39, 31, 48, 4, 3, 2, 1] as const;
/** Mirror of `CHEEK_IMAGE_LEFT`. */
const CHEEK_IMAGE_RIGHT = [45, 46, 47, 42, 35, 54, 12, 13, 14, 15] as const;
/** Nose from the bridge top to the nostril base. */
const NOSE_SKIN = [27, 35, 34, 33, 32, 31] as const;
/** Brow points without the outer ends, whose forehead often is hair or background. */
const BROWS = [18, 19, 20, 21, 22, 23, 24, 25] as const;

/** Forehead band above the brows, from `nearIod` to `farIod` inter-ocular distances along the face's "up". */
function foreheadBand(landmarks: Landmarks68, frame: FaceFrame, nearIod: number, farIod: number): Point[] {
  const brows = pick(landmarks, BROWS);
  const near = nearIod * frame.interOcularPx;
  const far = farIod * frame.interOcularPx;
  const lower = brows.map((p) => ({ x: p.x + frame.up.x * near, y: p.y + frame.up.y * near }));
  const upper = brows.map((p) => ({ x: p.x + frame.up.x * far, y: p.y + frame.up.y * far })).reverse();
  return lower.concat(upper);
}

/**
 * Skin polygons in full-resolution image pixels: both cheeks and the nose shrunk towards their
 * centres (to stay clear of eyes, nostrils, lips and the face contour) plus a forehead band
 * from 0.1 to 0.4 inter-ocular distances above the inner brows.
 */
export function skinPolygons(landmarks: Landmarks68, frame: FaceFrame): Point[][] {
  return [
    scalePolygon(pick(landmarks, CHEEK_IMAGE_LEFT), 0.75),
    scalePolygon(pick(landmarks, CHEEK_IMAGE_RIGHT), 0.75),
    scalePolygon(pick(landmarks, NOSE_SKIN), 0.7),
    foreheadBand(landmarks, frame, 0.1, 0.4),
  ];
}

/** Lower eyelid contours, outer corner to inner corner. */
const LOWER_LID_IMAGE_LEFT = [36, 41, 40, 39] as const;
const LOWER_LID_IMAGE_RIGHT = [45, 46, 47, 42] as const;

/** Band below one lower eyelid, from 0.08 to 0.25 inter-ocular distances down the face (above most masks). */
function underEyeBand(landmarks: Landmarks68, frame: FaceFrame, lid: readonly number[]): Point[] {
  const points = pick(landmarks, lid);
  const near = 0.08 * frame.interOcularPx;
  const far = 0.25 * frame.interOcularPx;
  const upper = points.map((p) => ({ x: p.x - frame.up.x * near, y: p.y - frame.up.y * near }));
  const lower = points.map((p) => ({ x: p.x - frame.up.x * far, y: p.y - frame.up.y * far })).reverse();
  return upper.concat(lower);
}

/** Between the inner brow ends and the inner eye corners, around the top of the nose bridge. */
const GLABELLA = [21, 22, 42, 27, 39] as const;

/** A reference region and its total vote in the skin model. */
export interface ReferenceRegion {
  readonly polygon: Point[];
  readonly vote: number;
}

/**
 * Reference skin regions for occlusion, in full-resolution image pixels: the forehead band, the
 * glabella, the bands under both eyes (one vote each) and both cheeks (half a vote each: masks and
 * hands cover them first). With a vote per region, a mask over the cheeks or a hat or fringe over
 * the forehead cannot outvote the rest.
 */
export function skinReferenceRegions(landmarks: Landmarks68, frame: FaceFrame): ReferenceRegion[] {
  return [
    { polygon: foreheadBand(landmarks, frame, 0.1, 0.4), vote: 1 },
    { polygon: scalePolygon(pick(landmarks, GLABELLA), 0.8), vote: 1 },
    { polygon: underEyeBand(landmarks, frame, LOWER_LID_IMAGE_LEFT), vote: 1 },
    { polygon: underEyeBand(landmarks, frame, LOWER_LID_IMAGE_RIGHT), vote: 1 },
    { polygon: scalePolygon(pick(landmarks, CHEEK_IMAGE_LEFT), 0.75), vote: 0.5 },
    { polygon: scalePolygon(pick(landmarks, CHEEK_IMAGE_RIGHT), 0.75), vote: 0.5 },
  ];
}
