/**
 * The contract's `rect`: the detector's box as integer pixel coordinates clamped to the image.
 * `left`/`top` are the first column/row inside the box, `right`/`bottom` its far edges
 * (so `right − left` is the width), all within `[0, width] × [0, height]`.
 */
import { frameOf } from '../frame.js';
import type { Rect } from '../types.js';
import type { Box, MeasureInput } from './types.js';

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** `box` (full-resolution pixels, possibly past the border) rounded and clamped to the image. */
export function rectFromBox(box: Box, imageWidthPx: number, imageHeightPx: number): Rect {
  return {
    left: clamp(Math.round(box.x), 0, imageWidthPx),
    top: clamp(Math.round(box.y), 0, imageHeightPx),
    right: clamp(Math.round(box.x + box.width), 0, imageWidthPx),
    bottom: clamp(Math.round(box.y + box.height), 0, imageHeightPx),
  };
}

/** Area of a rect in px². */
export function rectAreaPx2(rect: Rect): number {
  return Math.max(0, rect.right - rect.left) * Math.max(0, rect.bottom - rect.top);
}

/** `rect` of one face. */
export function measureRect(input: MeasureInput): Rect {
  return rectFromBox(input.box, frameOf(input).widthPx, frameOf(input).heightPx);
}
