/** Colour and luma statistics of a region against the ring of pixels around it. */
import type { Point } from '../../types.js';
import { MIN_CHROMA_SUM } from './chroma.js';
import { forEachPolygonSpan } from './polygon.js';
import type { RgbCrop } from './resample.js';

export interface SurroundStats {
  /** Mean chromaticity r and g of the region and of the ring (pixels with usable chromaticity). */
  readonly innerR: number;
  readonly innerG: number;
  readonly ringR: number;
  readonly ringG: number;
  /** 10th-percentile Rec. 601 luma of the region; median luma of the ring. */
  readonly innerLumaP10: number;
  readonly ringLumaMedian: number;
}

function luma(rgb: Float32Array, i: number): number {
  return 0.299 * (rgb[3 * i] ?? 0) + 0.587 * (rgb[3 * i + 1] ?? 0) + 0.114 * (rgb[3 * i + 2] ?? 0);
}

function quantile(values: number[], q: number): number {
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;
}

/**
 * Statistics of the crop pixels inside `inner` against those inside `outer` but not `inner` (both
 * crop-space polygons). Null when either side has no pixel in the crop or no usable chromaticity.
 */
export function surroundStats(
  crop: RgbCrop,
  inner: readonly Point[],
  outer: readonly Point[],
): SurroundStats | null {
  const { width, height, rgb } = crop;
  const isInner = new Uint8Array(width * height);
  const innerLumas: number[] = [];
  const chroma = { innerR: 0, innerG: 0, inner: 0, ringR: 0, ringG: 0, ring: 0 };
  forEachPolygonSpan(inner, width, height, (y, x0, x1) => {
    for (let i = y * width + x0; i < y * width + x1; i++) {
      isInner[i] = 1;
      innerLumas.push(luma(rgb, i));
      const sum = (rgb[3 * i] ?? 0) + (rgb[3 * i + 1] ?? 0) + (rgb[3 * i + 2] ?? 0);
      if (sum < MIN_CHROMA_SUM) continue;
      chroma.innerR += (rgb[3 * i] ?? 0) / sum;
      chroma.innerG += (rgb[3 * i + 1] ?? 0) / sum;
      chroma.inner++;
    }
  });
  const ringLumas: number[] = [];
  forEachPolygonSpan(outer, width, height, (y, x0, x1) => {
    for (let i = y * width + x0; i < y * width + x1; i++) {
      if (isInner[i] === 1) continue;
      ringLumas.push(luma(rgb, i));
      const sum = (rgb[3 * i] ?? 0) + (rgb[3 * i + 1] ?? 0) + (rgb[3 * i + 2] ?? 0);
      if (sum < MIN_CHROMA_SUM) continue;
      chroma.ringR += (rgb[3 * i] ?? 0) / sum;
      chroma.ringG += (rgb[3 * i + 1] ?? 0) / sum;
      chroma.ring++;
    }
  });
  if (chroma.inner === 0 || chroma.ring === 0) return null;
  return {
    innerR: chroma.innerR / chroma.inner,
    innerG: chroma.innerG / chroma.inner,
    ringR: chroma.ringR / chroma.ring,
    ringG: chroma.ringG / chroma.ring,
    innerLumaP10: quantile(innerLumas, 0.1),
    ringLumaMedian: quantile(ringLumas, 0.5),
  };
}
