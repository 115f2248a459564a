/**
 * The face-quality engine: downscale → detect → 68 landmarks at full resolution → measures.
 * Imports nothing from AWS, Middy or aws-lambda and reads no environment variables.
 */
import type { EngineConfig } from './config.js';
import { resolveEngineConfig } from './config.js';
import type { ImageFrame, MeasureInput } from './measures/types.js';
import type { Models } from './models/loader.js';
import { loadModels } from './models/loader.js';
import { type OcclusionHead, occlusionHeadInput, type PartVisibility } from './models/occlusion-head.js';
import { locateFaces } from './pipeline.js';
import { assessFace, roundQuality } from './quality.js';
import type { AnalysisResult, FaceQuality, ImageSource, RawImage } from './types.js';

export type { EngineConfig } from './config.js';
export { DEFAULT_ENGINE_CONFIG, resolveEngineConfig } from './config.js';

export interface Engine {
  /** The active TensorFlow.js backend (`wasm` or `tensorflow`). */
  readonly backend: string;
  /** Milliseconds `createEngine` spent starting the backend, loading weights and warming up. */
  readonly coldStartMs: number;
  readonly config: EngineConfig;
  /**
   * Faces in the photo, largest `rect` first, at most `config.maxFaces`; `faces: []` when there is
   * none (never throws for that). A detected face whose landmarks are degenerate is not measurable
   * and is left out (see `assessFace`). The photo is given decoded (a RawImage) or as an
   * {@link ImageSource}, from which only the pixels needed are decoded. Throws RangeError when
   * `image` is not a valid RawImage; rejects with what the source rejects with.
   */
  analyze(image: RawImage | ImageSource): Promise<AnalysisResult>;
  /** Releases the model weights; the engine must not be used afterwards. */
  dispose(): void;
}

const elapsedMs = (since: number): number => Math.round((performance.now() - since) * 10) / 10;

/**
 * The occlusion head's answer for each face (in order; undefined for a face without usable
 * landmarks), or none at all without the head.
 */
async function predictOcclusion(
  head: OcclusionHead | undefined,
  inputs: readonly MeasureInput[],
): Promise<(PartVisibility | undefined)[]> {
  if (head === undefined) return [];
  const crops = inputs.map((input) => occlusionHeadInput(input));
  const ready = crops.filter((c): c is Float32Array => c !== null);
  const answers = await head.predict(ready);
  let k = 0;
  return crops.map((c) => (c === null ? undefined : answers[k++]));
}

async function analyzeWith(
  models: Models,
  config: EngineConfig,
  input: RawImage | ImageSource,
): Promise<AnalysisResult> {
  const started = performance.now();
  const located = await locateFaces(models, config, input);
  const t = performance.now();
  const { region, photo } = located;
  const image = region.image;
  const frame: ImageFrame = {
    widthPx: photo.width,
    heightPx: photo.height,
    originX: region.originX,
    originY: region.originY,
    scale: region.scale,
  };
  // A face that cannot be measured honestly (degenerate landmarks, or a non-finite value caught by
  // the last-resort guard in `roundQuality`) is left out: no default may pose as a measurement.
  const inputs = located.faces.map((f) => ({ image, frame, box: f.box, landmarks: f.landmarks }));
  const occlusion = await predictOcclusion(models.occlusionHead, inputs);
  const faces: FaceQuality[] = [];
  for (const [i, input] of inputs.entries()) {
    const visibility = occlusion[i];
    const assessed = assessFace(input, visibility === undefined ? {} : { occlusion: visibility });
    const rounded = assessed === null ? null : roundQuality(assessed);
    if (rounded !== null) faces.push(rounded);
  }
  const measures = elapsedMs(t);
  return { faces, timingsMs: { ...located.timingsMs, measures, total: elapsedMs(started) } };
}

/**
 * Loads the models (once per call; the TensorFlow.js backend once per process) and returns a
 * ready engine. Rejects when the backend or the weights cannot load.
 */
export async function createEngine(partial: Partial<EngineConfig> = {}): Promise<Engine> {
  const config = resolveEngineConfig(partial);
  const models = await loadModels(config);
  let disposed = false;
  return {
    backend: models.runtime.backend,
    coldStartMs: Math.round(models.coldStartMs),
    config,
    analyze: (image) => {
      if (disposed) return Promise.reject(new Error('engine disposed'));
      return analyzeWith(models, config, image);
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      models.dispose();
    },
  };
}
