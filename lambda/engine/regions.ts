/**
 * Which pixels the steps after detection need. The landmark net and the measures normalise every
 * face to a fixed inter-ocular distance (IOD), so a face needs only as many pixels as that size
 * calls for: the engine decodes one region around the faces, shrunk to the finest scale any of
 * them needs, instead of the whole photo at full resolution. Pure geometry.
 */
import type { Box } from './measures/types.js';
import type { PixelRect } from './types.js';

/**
 * IOD (eye centre to eye centre) over the width of a detector box: median over the 109 AFW faces
 * whose ground-truth landmarks fall in an SSD MobileNetV1 box (p5 0.355, p25 0.404, median 0.432,
 * p75 0.460, p95 0.499). Turned profiles lie at the low end and get a little less than
 * `regionMinIodPx`, which is twice what the measures need.
 */
export const IOD_PER_BOX_WIDTH = 0.43;

/** Side of a face's region over the longer side of its box: room for the landmark crops and the measures' regions. */
export const REGION_SIDE_PER_BOX = 2;

/** What {@link planRegion} needs from the engine configuration. */
export interface RegionConfig {
  /** IOD in region pixels that a face is given at least (never more than full resolution). */
  readonly regionMinIodPx: number;
}

/** The square of side {@link REGION_SIDE_PER_BOX} × the box's longer side around its centre, clamped to the photo (whole pixels); null when it misses the photo. */
export function faceRegionRect(box: Box, widthPx: number, heightPx: number): PixelRect | null {
  const side = REGION_SIDE_PER_BOX * Math.max(box.width, box.height);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const x0 = Math.max(0, Math.floor(cx - side / 2));
  const y0 = Math.max(0, Math.floor(cy - side / 2));
  const x1 = Math.min(widthPx, Math.ceil(cx + side / 2));
  const y1 = Math.min(heightPx, Math.ceil(cy + side / 2));
  if (!(x1 > x0 && y1 > y0)) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Region pixels per full-resolution pixel that give the face of `box` at least `regionMinIodPx` of IOD, in (0, 1]. */
export function faceRegionScale(box: Box, config: RegionConfig): number {
  const iodPx = IOD_PER_BOX_WIDTH * box.width;
  if (!(iodPx > 0)) return 1;
  return Math.min(1, config.regionMinIodPx / iodPx);
}

/** The smallest rectangle holding every rect (whole pixels); null for none. */
export function unionRect(rects: readonly PixelRect[]): PixelRect | null {
  if (rects.length === 0) return null;
  const x0 = Math.min(...rects.map((r) => r.x));
  const y0 = Math.min(...rects.map((r) => r.y));
  const x1 = Math.max(...rects.map((r) => r.x + r.width));
  const y1 = Math.max(...rects.map((r) => r.y + r.height));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** One region for all faces: where and at which scale to decode it. */
export interface RegionPlan {
  /** Full-resolution rectangle holding every face's region. */
  readonly rect: PixelRect;
  /** The finest scale any face needs, in (0, 1]. */
  readonly scale: number;
}

/**
 * The single region that serves every face in `boxes` (full-resolution pixels of a
 * `widthPx × heightPx` photo): the union of their regions at the finest scale any needs; null
 * when there is no face in the photo.
 */
export function planRegion(
  boxes: readonly Box[],
  widthPx: number,
  heightPx: number,
  config: RegionConfig,
): RegionPlan | null {
  const rects = boxes.map((b) => faceRegionRect(b, widthPx, heightPx)).filter((r) => r !== null);
  const rect = unionRect(rects);
  if (rect === null) return null;
  return { rect, scale: Math.max(...boxes.map((b) => faceRegionScale(b, config))) };
}
