/**
 * The model half of the engine: downscale → detect → 68 landmarks at full resolution. Returns
 * plain data (boxes, landmarks); the measures run on it in `index.ts`.
 */

import { rawImageSource } from '../image/raw-source.js';
import { resizeRaw } from '../image/resize.js';
import type { EngineConfig } from './config.js';
import type { Landmarks68 } from './landmarks.js';
import { rectAreaPx2, rectFromBox } from './measures/rect.js';
import type { Box } from './measures/types.js';
import { completeCutBox } from './models/cut-box.js';
import type { Detection } from './models/face-detector.js';
import type { Models } from './models/loader.js';
import { planRegion, type RegionConfig } from './regions.js';
import type { ImageSource, RawImage, RegionImage } from './types.js';

/** One located face in full-resolution pixels. */
export interface LocatedFace {
  /** Detector box, unclamped; completed past the border for a cut face (see `cut-box.ts`). */
  readonly box: Box;
  /** Detector confidence in [0,1]. */
  readonly score: number;
  /** Area of the box clamped to the image, px²: the sort key. */
  readonly rectAreaPx2: number;
  /** 68 landmarks at full resolution; points may lie outside the image. */
  readonly landmarks: Landmarks68;
}

export interface LocateResult {
  /** Largest clamped box first (ties: higher score), at most `maxFaces`. */
  readonly faces: readonly LocatedFace[];
  /** The pixels around the faces that the measures read (the detector copy when it is fine enough). */
  readonly region: RegionImage;
  /** Upright size of the photo in full-resolution pixels. */
  readonly photo: { readonly width: number; readonly height: number };
  readonly timingsMs: {
    readonly resize: number;
    readonly detect: number;
    readonly regions: number;
    readonly landmarks: number;
  };
}

/** Grey the padding is filled with: neutral for the detector, unlike black borders. */
const PAD_GREY = 128;

/**
 * `image` centred on a grey canvas grown by `padPx` on every side. Pure; the input is at most the
 * detector copy (≤ `detectMaxSidePx`), so the copy is small.
 */
export function padRaw(image: RawImage, padPx: number): RawImage {
  const width = image.width + 2 * padPx;
  const height = image.height + 2 * padPx;
  const data = new Uint8Array(width * height * 3).fill(PAD_GREY);
  const rowBytes = image.width * 3;
  for (let y = 0; y < image.height; y++) {
    const from = y * rowBytes;
    data.set(image.data.subarray(from, from + rowBytes), ((y + padPx) * width + padPx) * 3);
  }
  return { width, height, channels: 3, data };
}

type DetectConfig = Pick<
  EngineConfig,
  'detectMaxSidePx' | 'minDetectionScore' | 'nmsIouThreshold' | 'detectRetryPadShare'
>;

/**
 * Detections in the pixels of `small`. When there are none and `detectRetryPadShare` > 0, looks
 * again at a padded copy (scaled back to `detectMaxSidePx`) and maps its boxes back to `small`.
 */
async function detectFaces(
  detector: Models['detector'],
  config: DetectConfig,
  small: RawImage,
): Promise<Detection[]> {
  const options = { minScore: config.minDetectionScore, iouThreshold: config.nmsIouThreshold };
  const found = await detector.predict(small, options);
  if (found.length > 0 || config.detectRetryPadShare <= 0) return found;
  const padPx = Math.round(config.detectRetryPadShare * Math.max(small.width, small.height));
  const padded = padRaw(small, padPx);
  const { image: paddedSmall } = await resizeRaw(padded, config.detectMaxSidePx);
  const sx = padded.width / paddedSmall.width;
  const sy = padded.height / paddedSmall.height;
  return (await detector.predict(paddedSmall, options)).map((d) => ({
    ...d,
    box: {
      x: d.box.x * sx - padPx,
      y: d.box.y * sy - padPx,
      width: d.box.width * sx,
      height: d.box.height * sy,
    },
  }));
}

const elapsedMs = (since: number): number => Math.round((performance.now() - since) * 10) / 10;

/** Throws RangeError when `image` is not a consistent 8-bit RGB RawImage. */
export function assertRawImage(image: RawImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`RawImage size must be positive integers, got ${width}×${height}`);
  }
  if (image.channels !== 3 || data.length !== width * height * 3) {
    throw new RangeError(`RawImage data has ${data.length} bytes, expected ${width * height * 3} (RGB)`);
  }
}

/** The detector copy as a region of the photo: the whole photo, shrunk. */
function wholePhotoRegion(small: RawImage, source: Pick<ImageSource, 'width'>): RegionImage {
  return { image: small, originX: 0, originY: 0, scale: small.width / source.width };
}

/**
 * The pixels the landmarks and measures of `boxes` are computed on: the detector copy when it is
 * fine enough for every face, otherwise one region around all of them decoded at the finest scale
 * any face needs (see `regions.ts`).
 */
export async function regionForFaces(
  source: ImageSource,
  small: RawImage,
  boxes: readonly Box[],
  config: RegionConfig,
): Promise<RegionImage> {
  const whole = wholePhotoRegion(small, source);
  const plan = planRegion(boxes, source.width, source.height, config);
  if (plan === null || plan.scale <= whole.scale) return whole;
  return source.region(plan.rect, plan.scale);
}

/** `input` as an {@link ImageSource}: a file-backed source as is, pixels in memory wrapped. */
export function asImageSource(input: RawImage | ImageSource): ImageSource {
  if ('data' in input) {
    assertRawImage(input);
    return rawImageSource(input);
  }
  return input;
}

/**
 * Detects faces on a copy whose longest side is `config.detectMaxSidePx`, keeps the `maxFaces`
 * largest, decodes the region their landmarks and measures need, then computes their landmarks.
 */
export async function locateFaces(
  models: Pick<Models, 'detector' | 'landmarker'>,
  config: Pick<
    EngineConfig,
    | 'detectMaxSidePx'
    | 'minDetectionScore'
    | 'nmsIouThreshold'
    | 'detectRetryPadShare'
    | 'maxFaces'
    | 'landmarkRefinePasses'
    | 'regionMinIodPx'
  >,
  input: RawImage | ImageSource,
): Promise<LocateResult> {
  const source = asImageSource(input);
  let t = performance.now();
  const small = await source.downscaled(config.detectMaxSidePx);
  const resize = elapsedMs(t);

  t = performance.now();
  const detections = await detectFaces(models.detector, config, small);
  // Per-axis factors: each side of the small copy was rounded separately.
  const sx = source.width / small.width;
  const sy = source.height / small.height;
  const candidates = detections
    .map((d) => {
      const cut = completeCutBox(d.box, small.width, small.height);
      const box = { x: cut.x * sx, y: cut.y * sy, width: cut.width * sx, height: cut.height * sy };
      return { box, score: d.score, rectAreaPx2: rectAreaPx2(rectFromBox(box, source.width, source.height)) };
    })
    .sort((a, b) => b.rectAreaPx2 - a.rectAreaPx2 || b.score - a.score)
    .slice(0, config.maxFaces);
  const detect = elapsedMs(t);

  t = performance.now();
  const boxes = candidates.map((c) => c.box);
  const region = await regionForFaces(source, small, boxes, config);
  const regions = elapsedMs(t);

  t = performance.now();
  const landmarks = await models.landmarker.predict(region, boxes, config.landmarkRefinePasses);
  const landmarksMs = elapsedMs(t);

  const faces: LocatedFace[] = [];
  candidates.forEach((c, i) => {
    const points = landmarks[i];
    if (points !== undefined) faces.push({ ...c, landmarks: points });
  });
  return {
    faces,
    region,
    photo: { width: source.width, height: source.height },
    timingsMs: { resize, detect, regions, landmarks: landmarksMs },
  };
}
