/** Greedy non-maximum suppression on plain boxes: no tensors, so every detector can share it. */
import type { Box } from '../measures/types.js';

/** Intersection over union of two boxes; 0 when either is empty. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (!(w > 0 && h > 0)) return 0;
  const inter = w * h;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Highest score first, dropping every box that overlaps an already kept one by more than
 * `iouThreshold`; at most `maxKept`. Pure.
 */
export function nonMaxSuppression<T extends { readonly box: Box; readonly score: number }>(
  items: readonly T[],
  iouThreshold: number,
  maxKept = Number.POSITIVE_INFINITY,
): T[] {
  const kept: T[] = [];
  for (const item of [...items].sort((a, b) => b.score - a.score)) {
    if (kept.length >= maxKept) break;
    if (kept.every((k) => iou(k.box, item.box) <= iouThreshold)) kept.push(item);
  }
  return kept;
}
