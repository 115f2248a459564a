/**
 * Contract: size = area of the five features inside the image / image area, in [0,1].
 */
import { frameOf } from '../frame.js';
import type { FiveFeatures } from './five-features.js';
import { fiveFeaturesOf } from './five-features.js';
import type { MeasureInput } from './types.js';

/** The formula on an in-image area (px²) and the image size in pixels. */
export function sizeFrom(visibleAreaPx2: number, imageWidthPx: number, imageHeightPx: number): number {
  const imageAreaPx2 = imageWidthPx * imageHeightPx;
  if (!(imageAreaPx2 > 0) || !(visibleAreaPx2 > 0)) return 0;
  return Math.min(1, visibleAreaPx2 / imageAreaPx2);
}

/** size of one face, in [0,1]. Pass `features` to reuse an already computed hull. */
export function measureSize(input: MeasureInput, features: FiveFeatures = fiveFeaturesOf(input)): number {
  return sizeFrom(features.visibleAreaPx2, frameOf(input).widthPx, frameOf(input).heightPx);
}
