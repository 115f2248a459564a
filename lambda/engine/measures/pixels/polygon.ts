/** Polygon helpers on pixel grids: scan-line rasterisation, scaling and convex hulls. */
import { centroid } from '../../landmarks.js';
import type { Point } from '../../types.js';

/** Receives one horizontal run of pixels `[x0, x1)` on row `y`. */
export type SpanVisitor = (y: number, x0: number, x1: number) => void;

/**
 * Visits every pixel of a `width`×`height` grid whose centre lies inside `polygon` (even-odd rule),
 * as horizontal runs, clipped to the grid. Pixel (x, y) has its centre at (x + 0.5, y + 0.5).
 * Polygons with fewer than 3 vertices or any non-finite vertex cover nothing.
 */
export function forEachPolygonSpan(
  polygon: readonly Point[],
  width: number,
  height: number,
  visit: SpanVisitor,
): void {
  const n = polygon.length;
  if (n < 3 || width <= 0 || height <= 0) return;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of polygon) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) return;
    if (p.y < minY) minY = p.y;
    if (p.y > maxY) maxY = p.y;
  }
  const yStart = Math.max(0, Math.floor(minY - 0.5));
  const yEnd = Math.min(height - 1, Math.ceil(maxY - 0.5));
  const crossings = new Float64Array(n);
  for (let y = yStart; y <= yEnd; y++) {
    const yc = y + 0.5;
    let count = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const a = polygon[i];
      const b = polygon[j];
      if (a === undefined || b === undefined) continue;
      if (a.y <= yc !== b.y <= yc) {
        crossings[count++] = a.x + ((yc - a.y) / (b.y - a.y)) * (b.x - a.x);
      }
    }
    if (count < 2) continue;
    const xs = crossings.subarray(0, count).sort();
    for (let k = 0; k + 1 < count; k += 2) {
      const x0 = Math.max(0, Math.ceil((xs[k] ?? 0) - 0.5));
      const x1 = Math.min(width, Math.ceil((xs[k + 1] ?? 0) - 0.5));
      if (x1 > x0) visit(y, x0, x1);
    }
  }
}

/** Number of grid pixels `forEachPolygonSpan` would visit. */
export function polygonPixelCount(polygon: readonly Point[], width: number, height: number): number {
  let count = 0;
  forEachPolygonSpan(polygon, width, height, (_y, x0, x1) => {
    count += x1 - x0;
  });
  return count;
}

/** Scales a polygon about its vertex mean by `factor` (>1 grows it). */
export function scalePolygon(polygon: readonly Point[], factor: number): Point[] {
  const { x: cx, y: cy } = centroid(polygon);
  return polygon.map((p) => ({ x: cx + (p.x - cx) * factor, y: cy + (p.y - cy) * factor }));
}

/** Maps a polygon through `p -> (p - origin) * scale`, e.g. from image pixels to a resampled crop. */
export function mapPolygon(polygon: readonly Point[], origin: Point, scale: number): Point[] {
  return polygon.map((p) => ({ x: (p.x - origin.x) * scale, y: (p.y - origin.y) * scale }));
}

/** Convex hull (Andrew's monotone chain), counter-clockwise in y-down coordinates; drops non-finite points. */
export function convexHull(points: readonly Point[]): Point[] {
  const pts = points
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .slice()
    .sort((a, b) => a.x - b.x || a.y - b.y);
  if (pts.length < 3) return pts;
  const cross = (o: Point, a: Point, b: Point): number =>
    (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: Point[] = [];
  for (const p of pts) {
    while (
      lower.length >= 2 &&
      cross(lower[lower.length - 2] as Point, lower[lower.length - 1] as Point, p) <= 0
    ) {
      lower.pop();
    }
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i] as Point;
    while (
      upper.length >= 2 &&
      cross(upper[upper.length - 2] as Point, upper[upper.length - 1] as Point, p) <= 0
    ) {
      upper.pop();
    }
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/** Absolute area of a simple polygon (shoelace formula), in squared input units. */
export function polygonArea(polygon: readonly Point[]): number {
  let twice = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i];
    const b = polygon[j];
    if (a === undefined || b === undefined) continue;
    twice += (b.x + a.x) * (b.y - a.y);
  }
  return Number.isFinite(twice) ? Math.abs(twice) / 2 : 0;
}

/** Moves every vertex `margin` further from the vertex mean (a cheap outward offset for convex shapes). */
export function growPolygon(polygon: readonly Point[], margin: number): Point[] {
  const { x: cx, y: cy } = centroid(polygon);
  return polygon.map((p) => {
    const dx = p.x - cx;
    const dy = p.y - cy;
    const len = Math.hypot(dx, dy);
    return len > 0 ? { x: p.x + (dx / len) * margin, y: p.y + (dy / len) * margin } : p;
  });
}

/** Axis-aligned bounds of a set of polygons; null when there is no finite vertex. */
export function polygonsBounds(
  polygons: readonly (readonly Point[])[],
): { x: number; y: number; width: number; height: number } | null {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const polygon of polygons) {
    for (const p of polygon) {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
      minX = Math.min(minX, p.x);
      minY = Math.min(minY, p.y);
      maxX = Math.max(maxX, p.x);
      maxY = Math.max(maxY, p.y);
    }
  }
  if (minX > maxX) return null;
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}
