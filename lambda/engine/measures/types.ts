/** What every quality measure receives. Measures are pure functions of this input. */
import type { Landmarks68 } from '../landmarks.js';
import type { RawImage } from '../types.js';

/** An axis-aligned box in full-resolution pixels; it may extend past the image border. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Where a {@link MeasureInput}'s `image` lies in the whole upright photo. The engine decodes only a
 * region around each face, at the scale its measures need: `image` pixel (u, v) covers the
 * full-resolution pixels `origin + [u, u+1) / scale` (and likewise for v).
 */
export interface ImageFrame {
  /** Width and height of the whole upright photo, in full-resolution pixels. */
  readonly widthPx: number;
  readonly heightPx: number;
  /** Full-resolution coordinates of the top-left corner of `image` (whole pixels). */
  readonly originX: number;
  readonly originY: number;
  /** `image` pixels per full-resolution pixel, in (0, 1]; 1 = full resolution. */
  readonly scale: number;
}

export interface MeasureInput {
  /**
   * The face's pixels: the whole upright photo at full resolution when `frame` is absent, otherwise
   * the region of it that `frame` describes. Read pixels through `pixels/resample.ts` or map
   * coordinates with `frameOf` (`../frame.ts`); every other coordinate here is full-resolution.
   */
  readonly image: RawImage;
  /** Where `image` lies in the photo; absent = `image` is the whole photo at full resolution. */
  readonly frame?: ImageFrame;
  /** The face's 68 landmarks in full-resolution pixels; points may lie outside the image. */
  readonly landmarks: Landmarks68;
  /** The detector's face box in full-resolution pixels (unclamped). */
  readonly box: Box;
}
