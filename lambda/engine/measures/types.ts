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

export interface MeasureInput {
  /** The full-resolution upright RGB image. */
  readonly image: RawImage;
  /** The face's 68 landmarks in full-resolution pixels; points may lie outside the image. */
  readonly landmarks: Landmarks68;
  /** The detector's face box in full-resolution pixels (unclamped). */
  readonly box: Box;
}
