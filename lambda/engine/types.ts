/** Plain data types of the engine. No tensor ever appears here. */

/** An upright (EXIF orientation applied) 8-bit RGB image, rows top to bottom, interleaved. */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
  /** `width * height * 3` bytes, R G B per pixel. */
  readonly data: Uint8Array;
}

/** A rectangle of whole pixels: top-left corner `x, y`, `width × height` pixels. */
export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Pixels of a region of a photo, possibly downscaled: pixel (u, v) of `image` covers the
 * full-resolution pixels `originX + [u, u+1) / scale`, `originY + [v, v+1) / scale`.
 */
export interface RegionImage {
  readonly image: RawImage;
  /** Full-resolution coordinates of the region's top-left corner. */
  readonly originX: number;
  readonly originY: number;
  /** Region pixels per full-resolution pixel, in (0, 1]. */
  readonly scale: number;
}

/**
 * An upright photo whose pixels are decoded on demand, only at the scale a step needs: a small
 * copy for the detector, then a region around the faces. Implemented over the encoded file
 * (`lambda/image/source.ts`, JPEG shrink-on-load) or over pixels already in memory.
 */
export interface ImageSource {
  /** Upright width and height in full-resolution pixels. */
  readonly width: number;
  readonly height: number;
  /**
   * The photo shrunk so that its longer side is `maxSidePx` (each side rounded, at least 1), or
   * at full resolution when it already fits.
   */
  downscaled(maxSidePx: number): Promise<RawImage>;
  /**
   * The pixels of `rect` (full-resolution pixels, inside the photo) at `scale` in (0, 1]: the
   * photo is shrunk to `round(width × scale) × round(height × scale)` and the matching part cut out.
   */
  region(rect: PixelRect, scale: number): Promise<RegionImage>;
}

/** A point in image pixels, origin at the top-left corner, x right, y down. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Integer pixel box clamped to the image, as the contract's `rect`. */
export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** Head pose in degrees (AFLW2000-3D convention; see README). */
export interface Pose {
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

/** Visible fraction of each part in [0,1]; 1 = not occluded. `left_eye` is the subject's left eye. */
export interface Occlusion {
  readonly left_eye: number;
  readonly right_eye: number;
  readonly nose: number;
  readonly mouth: number;
  readonly total: number;
}

/** One face, exactly the contract's `faces[]` item. */
export interface FaceQuality {
  readonly rect: Rect;
  readonly pose: Pose;
  readonly occlusion: Occlusion;
  readonly distance2center: number;
  readonly size: number;
  readonly brightness: number;
  readonly sharpness: number;
  readonly mouth_open: number;
  readonly integrity: number;
}

/** Milliseconds spent per pipeline stage, for logs and metrics. */
export type StageTimingsMs = Readonly<Record<string, number>>;

/** What `Engine.analyze` returns: faces sorted by face area, largest first. */
export interface AnalysisResult {
  readonly faces: readonly FaceQuality[];
  readonly timingsMs: StageTimingsMs;
}
