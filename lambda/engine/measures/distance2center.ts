/**
 * Contract: distance2center = max(1 − |centre of the five features − image centre| / short side
 * of the image, 0), in [0,1]; 1 = face centred. The five-features centre is the area centroid of
 * the landmark hull (`five-features.ts`).
 */
import { frameOf } from '../frame.js';
import type { Point } from '../types.js';
import type { FiveFeatures } from './five-features.js';
import { fiveFeaturesOf } from './five-features.js';
import type { MeasureInput } from './types.js';

/** The formula on a centre point and the image size in pixels. */
export function distance2centerFrom(centre: Point, imageWidthPx: number, imageHeightPx: number): number {
  const shortSidePx = Math.min(imageWidthPx, imageHeightPx);
  if (!(shortSidePx > 0)) return 0;
  const distancePx = Math.hypot(centre.x - imageWidthPx / 2, centre.y - imageHeightPx / 2);
  return Math.min(1, Math.max(1 - distancePx / shortSidePx, 0));
}

/** distance2center of one face, in [0,1]. Pass `features` to reuse an already computed hull. */
export function measureDistance2Center(
  input: MeasureInput,
  features: FiveFeatures = fiveFeaturesOf(input),
): number {
  return distance2centerFrom(features.centre, frameOf(input).widthPx, frameOf(input).heightPx);
}
