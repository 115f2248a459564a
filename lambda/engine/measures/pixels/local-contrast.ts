/** Local luma standard deviation over a square window, via summed-area tables. */
import type { RgbCrop } from './resample.js';

/**
 * Standard deviation of Rec. 601 luma over the `(2 * radius + 1)²` window around every crop pixel
 * (window clipped at the crop border), row-major `width * height`.
 */
export function localLumaStd(crop: RgbCrop, radius: number): Float32Array {
  const { width, height, rgb } = crop;
  const w1 = width + 1;
  const sum = new Float64Array(w1 * (height + 1));
  const sumSq = new Float64Array(w1 * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    let rowSq = 0;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const l = 0.299 * (rgb[o] ?? 0) + 0.587 * (rgb[o + 1] ?? 0) + 0.114 * (rgb[o + 2] ?? 0);
      rowSum += l;
      rowSq += l * l;
      const i = (y + 1) * w1 + x + 1;
      sum[i] = (sum[i - w1] ?? 0) + rowSum;
      sumSq[i] = (sumSq[i - w1] ?? 0) + rowSq;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - radius);
    const y1 = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(width, x + radius + 1);
      const n = (y1 - y0) * (x1 - x0);
      const s =
        (sum[y1 * w1 + x1] ?? 0) -
        (sum[y0 * w1 + x1] ?? 0) -
        (sum[y1 * w1 + x0] ?? 0) +
        (sum[y0 * w1 + x0] ?? 0);
      const q =
        (sumSq[y1 * w1 + x1] ?? 0) -
        (sumSq[y0 * w1 + x1] ?? 0) -
        (sumSq[y1 * w1 + x0] ?? 0) +
        (sumSq[y0 * w1 + x0] ?? 0);
      const mean = s / n;
      out[y * width + x] = Math.sqrt(Math.max(0, q / n - mean * mean));
    }
  }
  return out;
}
