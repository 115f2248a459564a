/**
 * The model half of the engine: downscale → detect → 68 landmarks at full resolution. Returns
 * plain data (boxes, landmarks); the measures run on it in `index.ts`.
 */

import { rawImageSource } from '../image/raw-source.js';
import { resizeRaw } from '../image/resize.js';
import { isHumanFace, mergeDetections, needsSsd, toSsdGeometry } from './cascade.js';
import type { EngineConfig } from './config.js';
import type { Landmarks68 } from './landmarks.js';
import { rectAreaPx2, rectFromBox } from './measures/rect.js';
import type { Box } from './measures/types.js';
import { completeCutBox, touchesBorder } from './models/cut-box.js';
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
    readonly ssd: number;
    readonly regions: number;
    readonly verify: number;
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
  | 'detectMaxSidePx'
  | 'minDetectionScore'
  | 'borderMinDetectionScore'
  | 'nmsIouThreshold'
  | 'detectRetryPadShare'
>;

/**
 * SSD MobileNetV1's detections in the pixels of `small`: boxes scoring `minDetectionScore`, or
 * `borderMinDetectionScore` for boxes that touch the border (half faces score low). When there are
 * none and `detectRetryPadShare` > 0, looks again at a padded copy (scaled back to
 * `detectMaxSidePx`) and maps its boxes back to `small`.
 */
async function detectFaces(
  detector: Models['detector'],
  config: DetectConfig,
  small: RawImage,
): Promise<Detection[]> {
  const options = {
    minScore: Math.min(config.minDetectionScore, config.borderMinDetectionScore),
    iouThreshold: config.nmsIouThreshold,
  };
  const found = (await detector.predict(small, options)).filter(
    (d) => d.score >= config.minDetectionScore || touchesBorder(d.box, small.width, small.height),
  );
  if (found.length > 0 || config.detectRetryPadShare <= 0) return found;
  const padPx = Math.round(config.detectRetryPadShare * Math.max(small.width, small.height));
  const padded = padRaw(small, padPx);
  const { image: paddedSmall } = await resizeRaw(padded, config.detectMaxSidePx);
  const sx = padded.width / paddedSmall.width;
  const sy = padded.height / paddedSmall.height;
  const strict = { ...options, minScore: config.minDetectionScore };
  return (await detector.predict(paddedSmall, strict)).map((d) => ({
    ...d,
    box: {
      x: d.box.x * sx - padPx,
      y: d.box.y * sy - padPx,
      width: d.box.width * sx,
      height: d.box.height * sy,
    },
  }));
}

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

/** What {@link locateFaces} reads from the engine configuration. */
export type LocateConfig = Pick<
  EngineConfig,
  | 'detector'
  | 'blazefaceMinScore'
  | 'blazefaceSureScore'
  | 'blazefaceMinFaceShare'
  | 'borderMinDetectionScore'
  | 'verifyMinScore'
  | 'verifyMinScoreWithSsd'
  | 'verifyMarginsPerBox'
  | 'verifyMirroredAtBorder'
  | 'detectMaxSidePx'
  | 'minDetectionScore'
  | 'nmsIouThreshold'
  | 'detectRetryPadShare'
  | 'maxFaces'
  | 'landmarkRefinePasses'
  | 'regionMinIodPx'
>;

/** Overlap above which a BlazeFace box and an SSD box are the same face. */
const SAME_FACE_IOU = 0.3;

/** A detection and, where SSD MobileNetV1 found it, SSD's score (the verification rule reads it). */
interface Found extends Detection {
  readonly ssdScore: number | undefined;
}

const fromSsd = (found: readonly Detection[]): Found[] => found.map((d) => ({ ...d, ssdScore: d.score }));

/**
 * Candidate faces in the pixels of `small`: BlazeFace, then SSD MobileNetV1 when the cascade says
 * so (`cascade.ts`), or SSD alone with `detector: 'ssd'`. `ssdRan` tells whether SSD already looked.
 */
async function findCandidates(
  models: Pick<Models, 'detector' | 'blazeface'>,
  config: LocateConfig,
  small: RawImage,
  ssdTimed: (step: () => Promise<Detection[]>) => Promise<Detection[]>,
): Promise<{ found: Found[]; ssdRan: boolean }> {
  const runSsd = () => ssdTimed(() => detectFaces(models.detector, config, small));
  if (config.detector === 'ssd') return { found: fromSsd(await runSsd()), ssdRan: true };
  const quick = (
    await models.blazeface.predict(small, {
      minScore: config.blazefaceMinScore,
      iouThreshold: config.nmsIouThreshold,
    })
  ).map((d) => ({ ...d, box: toSsdGeometry(d.box), ssdScore: undefined }));
  if (!needsSsd(quick, Math.max(small.width, small.height), config)) return { found: quick, ssdRan: false };
  return { found: mergeDetections(fromSsd(await runSsd()), quick, SAME_FACE_IOU), ssdRan: true };
}

interface Candidate {
  readonly box: Box;
  readonly score: number;
  readonly ssdScore: number | undefined;
  readonly rectAreaPx2: number;
}

/** Detections of the small copy as full-resolution candidates, cut faces completed past the border. */
function toCandidates(found: readonly Found[], small: RawImage, source: ImageSource): Candidate[] {
  // Per-axis factors: each side of the small copy was rounded separately.
  const sx = source.width / small.width;
  const sy = source.height / small.height;
  return found.map((d) => {
    const cut = completeCutBox(d.box, small.width, small.height);
    const box = { x: cut.x * sx, y: cut.y * sy, width: cut.width * sx, height: cut.height * sy };
    return {
      box,
      score: d.score,
      ssdScore: d.ssdScore,
      rectAreaPx2: rectAreaPx2(rectFromBox(box, source.width, source.height)),
    };
  });
}

/**
 * Finds the faces of the photo: detection on a copy whose longest side is `config.detectMaxSidePx`
 * (`findCandidates`), one region around the candidates at the scale their measures need,
 * verification of each candidate on it (FaceMesh face presence, or a low one where SSD found the box
 * too: `isHumanFace`; when none passes and SSD has not
 * looked yet, SSD looks and the new candidates are verified the same way), the `maxFaces` largest
 * kept, then their landmarks.
 */
export async function locateFaces(
  models: Pick<Models, 'detector' | 'landmarker' | 'blazeface' | 'verifier'>,
  config: LocateConfig,
  input: RawImage | ImageSource,
): Promise<LocateResult> {
  const source = asImageSource(input);
  // `ssd`: the part of `detect` SSD MobileNetV1 took (0 when BlazeFace sufficed).
  const timingsMs = { resize: 0, detect: 0, ssd: 0, regions: 0, verify: 0, landmarks: 0 };
  const timed = async <T>(stage: keyof typeof timingsMs, step: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await step();
    } finally {
      timingsMs[stage] = Math.round((timingsMs[stage] + performance.now() - t) * 10) / 10;
    }
  };

  const small = await timed('resize', () => source.downscaled(config.detectMaxSidePx));
  const ssdTimed = (step: () => Promise<Detection[]>) => timed('ssd', step);
  const first = await timed('detect', () => findCandidates(models, config, small, ssdTimed));

  const verifyAll = async (
    candidates: readonly Candidate[],
  ): Promise<{ kept: Candidate[]; region: RegionImage }> => {
    const region = await timed('regions', () =>
      regionForFaces(
        source,
        small,
        candidates.map((c) => c.box),
        config,
      ),
    );
    if (config.verifyMinScore <= 0 || candidates.length === 0) return { kept: [...candidates], region };
    const boxes = candidates.map((c) => c.box);
    // Every margin with black past the border, then (for boxes at the border only, where the
    // mirrored photo differs) every margin again with the photo mirrored across it.
    const attempts = [
      ...config.verifyMarginsPerBox.map((margin) => ({ margin, outside: 'zero' as const })),
      ...(config.verifyMirroredAtBorder
        ? config.verifyMarginsPerBox.map((margin) => ({ margin, outside: 'reflect' as const }))
        : []),
    ];
    const atBorder = boxes.map((b) => touchesBorder(b, source.width, source.height));
    const scores = await timed('verify', async () => {
      const best = new Array<number>(boxes.length).fill(0);
      for (const { margin, outside } of attempts) {
        const pending = boxes.flatMap((_, i) =>
          (best[i] ?? 0) < config.verifyMinScore && (outside === 'zero' || atBorder[i] === true) ? [i] : [],
        );
        if (pending.length === 0) continue;
        const s = await models.verifier.predict(
          region,
          pending.map((i) => boxes[i] as Box),
          margin,
          outside,
        );
        pending.forEach((i, k) => {
          best[i] = Math.max(best[i] ?? 0, s[k] ?? 0);
        });
      }
      return best;
    });
    return { kept: candidates.filter((c, i) => isHumanFace(scores[i] ?? 0, c.ssdScore, config)), region };
  };

  let verified = await verifyAll(toCandidates(first.found, small, source));
  if (verified.kept.length === 0 && !first.ssdRan) {
    const ssd = await timed('detect', () => ssdTimed(() => detectFaces(models.detector, config, small)));
    if (ssd.length > 0) verified = await verifyAll(toCandidates(fromSsd(ssd), small, source));
  }
  const candidates = verified.kept
    .sort((a, b) => b.rectAreaPx2 - a.rectAreaPx2 || b.score - a.score)
    .slice(0, config.maxFaces);
  // Faces dropped by verification or by maxFaces may leave a region larger than needed; it still holds the rest.
  const region = verified.region;

  const landmarks = await timed('landmarks', () =>
    models.landmarker.predict(
      region,
      candidates.map((c) => c.box),
      config.landmarkRefinePasses,
    ),
  );
  const faces: LocatedFace[] = [];
  candidates.forEach((c, i) => {
    const points = landmarks[i];
    if (points !== undefined) faces.push({ ...c, landmarks: points });
  });
  return { faces, region, photo: { width: source.width, height: source.height }, timingsMs };
}
