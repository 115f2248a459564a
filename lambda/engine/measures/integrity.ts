/**
 * Contract: integrity = area of the five features inside the image / whole five-features area,
 * in [0,1]; 1 = the whole face is in the picture. Relies on landmarks of a cut-off face lying
 * outside the image (the landmarker zero-pads its crops instead of clamping them); those points
 * are re-estimated from the mean-face fit on the visible ones (`five-features.ts`, `cut-face.ts`).
 */
import type { FiveFeatures } from './five-features.js';
import { fiveFeaturesOf } from './five-features.js';
import type { MeasureInput } from './types.js';

/** The formula on the in-image and whole areas (px²); 0 for a degenerate (zero-area) hull. */
export function integrityFrom(visibleAreaPx2: number, areaPx2: number): number {
  if (!(areaPx2 > 0) || !(visibleAreaPx2 > 0)) return 0;
  return Math.min(1, visibleAreaPx2 / areaPx2);
}

/** integrity of one face, in [0,1]. Pass `features` to reuse an already computed hull. */
export function measureIntegrity(
  input: MeasureInput,
  features: FiveFeatures = fiveFeaturesOf(input),
): number {
  return integrityFrom(features.visibleAreaPx2, features.areaPx2);
}
