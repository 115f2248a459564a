/** Plain data types of the engine. No tensor ever appears here. */

/** An upright (EXIF orientation applied) 8-bit RGB image, rows top to bottom, interleaved. */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
  /** `width * height * 3` bytes, R G B per pixel. */
  readonly data: Uint8Array;
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
