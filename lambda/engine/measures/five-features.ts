/**
 * The "five features" region of the contract (eyes, brows, nose, mouth and the face outline) is
 * the convex hull of the 68 landmarks. Plain polygon geometry on it: area, area centroid, and
 * clipping to the image rectangle (landmarks of a cut-off face lie outside the image).
 */

import { frameOf } from '../frame.js';
import type { Landmarks68 } from '../landmarks.js';
import type { Point } from '../types.js';
import { completeCutFace } from './cut-face.js';
import { convexHull } from './pixels/polygon.js';
import type { MeasureInput } from './types.js';

// One hull for every measure; re-exported because the five features are defined by it.
export { convexHull };

/** Signed shoelace area in px² (sign depends on the vertex order). */
function signedArea(polygon: readonly Point[]): number {
  let twice = 0;
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i];
    const b = polygon[(i + 1) % polygon.length];
    if (a === undefined || b === undefined) continue;
    twice += a.x * b.y - b.x * a.y;
  }
  return twice / 2;
}

/** Area of a simple polygon in px² (0 for fewer than 3 vertices). */
export function polygonArea(polygon: readonly Point[]): number {
  return Math.abs(signedArea(polygon));
}

/** Area centroid of a simple polygon; the vertex mean when the area is zero (degenerate). */
export function polygonCentroid(polygon: readonly Point[]): Point {
  const area = signedArea(polygon);
  if (polygon.length < 3 || Math.abs(area) < 1e-9) {
    const n = Math.max(polygon.length, 1);
    return {
      x: polygon.reduce((s, p) => s + p.x, 0) / n,
      y: polygon.reduce((s, p) => s + p.y, 0) / n,
    };
  }
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i];
    const b = polygon[(i + 1) % polygon.length];
    if (a === undefined || b === undefined) continue;
    const f = a.x * b.y - b.x * a.y;
    cx += (a.x + b.x) * f;
    cy += (a.y + b.y) * f;
  }
  return { x: cx / (6 * area), y: cy / (6 * area) };
}

/**
 * The part of a CONVEX polygon inside the rectangle `[0, widthPx] × [0, heightPx]`
 * (Sutherland–Hodgman; exact for convex input). Empty when they do not overlap.
 */
export function clipToRect(polygon: readonly Point[], widthPx: number, heightPx: number): Point[] {
  type Edge = { inside: (p: Point) => boolean; cut: (a: Point, b: Point) => Point };
  const atX =
    (x: number) =>
    (a: Point, b: Point): Point => ({ x, y: a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x) });
  const atY =
    (y: number) =>
    (a: Point, b: Point): Point => ({ x: a.x + ((b.x - a.x) * (y - a.y)) / (b.y - a.y), y });
  const edges: Edge[] = [
    { inside: (p) => p.x >= 0, cut: atX(0) },
    { inside: (p) => p.x <= widthPx, cut: atX(widthPx) },
    { inside: (p) => p.y >= 0, cut: atY(0) },
    { inside: (p) => p.y <= heightPx, cut: atY(heightPx) },
  ];
  let out: Point[] = [...polygon];
  for (const edge of edges) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const current = input[i];
      const previous = input[(i + input.length - 1) % input.length];
      if (current === undefined || previous === undefined) continue;
      if (edge.inside(current)) {
        if (!edge.inside(previous)) out.push(edge.cut(previous, current));
        out.push(current);
      } else if (edge.inside(previous)) {
        out.push(edge.cut(previous, current));
      }
    }
  }
  return out;
}

export interface FiveFeatures {
  /** Convex hull of the 68 landmarks (completed past the border by `fiveFeaturesOf`), full-resolution pixels. */
  readonly hull: readonly Point[];
  /** Hull area in px². */
  readonly areaPx2: number;
  /** Area centroid of the whole hull (may lie outside the image). */
  readonly centre: Point;
  /** Area of the hull inside the image, px². */
  readonly visibleAreaPx2: number;
}

/** Hull, area, centre and in-image area of the five-features region of one face. */
export function fiveFeatures(
  landmarks: Landmarks68,
  imageWidthPx: number,
  imageHeightPx: number,
): FiveFeatures {
  const hull = convexHull(landmarks);
  return {
    hull,
    areaPx2: polygonArea(hull),
    centre: polygonCentroid(hull),
    visibleAreaPx2: polygonArea(clipToRect(hull, imageWidthPx, imageHeightPx)),
  };
}

/**
 * {@link fiveFeatures} of a measure input. For a face cut by the border the points outside the
 * image come from the mean-face fit on the visible ones (`cut-face.ts`), not from the net, which
 * squeezes them toward the visible part; a face inside the image keeps its landmarks as they are.
 */
export function fiveFeaturesOf(input: MeasureInput): FiveFeatures {
  const { widthPx: width, heightPx: height } = frameOf(input);
  return fiveFeatures(completeCutFace(input.landmarks, width, height), width, height);
}
