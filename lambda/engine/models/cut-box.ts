/**
 * Completes detector boxes of faces cut by the image border. SSD MobileNetV1 boxes only the
 * VISIBLE part of such a face, so the landmark crop would be centred on the visible half and the
 * net would squeeze a whole face into it (integrity ≈ 1 for half a face). A box that touches a
 * border and is too narrow (or too flat) for a face is extended past that border to the typical
 * face aspect ratio, so the landmark crop sees the face where it really is.
 */
import type { Box } from '../measures/types.js';

/**
 * Median height/width of SSD MobileNetV1 face boxes (1839 detections on the dev photo sets:
 * p25 1.29, median 1.41, p75 1.54).
 */
export const FACE_BOX_ASPECT = 1.41;
/** A box edge within this fraction of the box size from an image edge (or past it) touches it. */
export const TOUCH_TOLERANCE = 0.02;

/** True when `box` reaches (within {@link TOUCH_TOLERANCE}) or crosses an edge of the image. Pure. */
export function touchesBorder(box: Box, imageWidthPx: number, imageHeightPx: number): boolean {
  const tolX = TOUCH_TOLERANCE * box.width;
  const tolY = TOUCH_TOLERANCE * box.height;
  return (
    box.x <= tolX ||
    box.y <= tolY ||
    box.x + box.width >= imageWidthPx - tolX ||
    box.y + box.height >= imageHeightPx - tolY
  );
}

/**
 * `box` extended past the image border it touches when its aspect ratio says part of the face is
 * cut off; unchanged otherwise (also when it touches two opposite borders, where nothing can be
 * inferred). Pure; pixels of the image the box was detected in.
 */
export function completeCutBox(box: Box, imageWidthPx: number, imageHeightPx: number): Box {
  const tolX = TOUCH_TOLERANCE * box.width;
  const tolY = TOUCH_TOLERANCE * box.height;
  const left = box.x <= tolX;
  const right = box.x + box.width >= imageWidthPx - tolX;
  const top = box.y <= tolY;
  const bottom = box.y + box.height >= imageHeightPx - tolY;
  let { x, y, width, height } = box;
  const fullWidth = height / FACE_BOX_ASPECT;
  if (left !== right && width < fullWidth) {
    if (left) x -= fullWidth - width;
    width = fullWidth;
  }
  const fullHeight = width * FACE_BOX_ASPECT;
  if (top !== bottom && height < fullHeight) {
    if (top) y -= fullHeight - height;
    height = fullHeight;
  }
  return { x, y, width, height };
}
