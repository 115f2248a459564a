/**
 * Helpers for {@link ImageFrame}: the measures get a region of the photo around each face (possibly
 * downscaled) instead of the whole full-resolution photo, and these map between the two.
 */
import type { ImageFrame, MeasureInput } from './measures/types.js';
import type { Point, RawImage } from './types.js';

/** The frame of a whole photo given at full resolution. */
export function wholeImageFrame(image: Pick<RawImage, 'width' | 'height'>): ImageFrame {
  return { widthPx: image.width, heightPx: image.height, originX: 0, originY: 0, scale: 1 };
}

/** The frame of `input.image`: its own, or the whole-photo frame when none is given. */
export function frameOf(input: Pick<MeasureInput, 'image' | 'frame'>): ImageFrame {
  return input.frame ?? wholeImageFrame(input.image);
}

/** A full-resolution point in the pixels of the framed image. */
export function toFramePixels(frame: ImageFrame, p: Point): Point {
  return { x: (p.x - frame.originX) * frame.scale, y: (p.y - frame.originY) * frame.scale };
}
