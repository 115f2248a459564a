/**
 * Region geometry shared by every {@link ImageSource}: where a full-resolution rectangle lands in
 * the photo shrunk by a scale. Pure.
 */
import type { PixelRect, RawImage, RegionImage } from '../engine/types.js';

/** Size of the photo shrunk by `scale`: each side rounded, at least 1 pixel. */
export function shrunkSize(
  widthPx: number,
  heightPx: number,
  scale: number,
): { width: number; height: number } {
  return {
    width: Math.max(1, Math.round(widthPx * scale)),
    height: Math.max(1, Math.round(heightPx * scale)),
  };
}

/**
 * The whole-pixel rectangle of the shrunk photo (`shrunkWidth × shrunkHeight`) that covers `rect`
 * of the full-resolution photo, and the exact factors of that shrink per axis (they differ by the
 * rounding of each side: under half a pixel over the whole photo).
 * Throws RangeError for a rect outside the photo or a scale outside (0, 1].
 */
export function regionInShrunk(
  rect: PixelRect,
  widthPx: number,
  heightPx: number,
  scale: number,
): { rect: PixelRect; scaleX: number; scaleY: number; shrunk: { width: number; height: number } } {
  if (!(scale > 0 && scale <= 1)) throw new RangeError(`region scale must be in (0,1], got ${scale}`);
  const { x, y, width, height } = rect;
  if (
    ![x, y, width, height].every(Number.isInteger) ||
    width < 1 ||
    height < 1 ||
    x < 0 ||
    y < 0 ||
    x + width > widthPx ||
    y + height > heightPx
  ) {
    throw new RangeError(
      `region ${width}×${height} at ${x},${y} is not inside the ${widthPx}×${heightPx} photo`,
    );
  }
  const shrunk = shrunkSize(widthPx, heightPx, scale);
  const sx = shrunk.width / widthPx;
  const sy = shrunk.height / heightPx;
  const x0 = Math.min(shrunk.width - 1, Math.floor(x * sx));
  const y0 = Math.min(shrunk.height - 1, Math.floor(y * sy));
  const x1 = Math.max(x0 + 1, Math.min(shrunk.width, Math.ceil((x + width) * sx)));
  const y1 = Math.max(y0 + 1, Math.min(shrunk.height, Math.ceil((y + height) * sy)));
  return { rect: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, scaleX: sx, scaleY: sy, shrunk };
}

/**
 * The {@link RegionImage} for `pixels`, the part `rect` of the photo shrunk to `shrunk` (from
 * {@link regionInShrunk}). The region carries one scale, the horizontal one; the origin is exact
 * on both axes, so the vertical rounding error stays under half a pixel of the shrunk photo.
 */
export function regionImage(
  pixels: RawImage,
  placed: { rect: PixelRect; scaleX: number; scaleY: number },
): RegionImage {
  return {
    image: pixels,
    originX: placed.rect.x / placed.scaleX,
    originY: placed.rect.y / placed.scaleY,
    scale: placed.scaleX,
  };
}
