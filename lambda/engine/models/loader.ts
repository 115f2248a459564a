/** Models behind one loader: backend start, the nets' weights, and a warm-up inference. */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineConfig } from '../config.js';
import type { TfRuntime } from './backend.js';
import { initBackend } from './backend.js';
import type { Blazeface } from './blazeface.js';
import { loadBlazeface } from './blazeface.js';
import type { FaceDetector } from './face-detector.js';
import { loadFaceDetector } from './face-detector.js';
import type { FaceVerifier } from './face-verifier.js';
import { loadFaceVerifier } from './face-verifier.js';
import type { Landmarker } from './landmarker.js';
import { loadLandmarker } from './landmarker.js';
import type { OcclusionHead } from './occlusion-head.js';
import { loadOcclusionHead, OCCLUSION_HEAD_CHANNELS, OCCLUSION_HEAD_INPUT_PX } from './occlusion-head.js';

export interface Models {
  readonly runtime: TfRuntime;
  /**
   * SSD MobileNetV1: the cascade's second stage. Unless `ssdAtInit`, its weights load on the first
   * prediction (only some photos need it), which also pays its first-inference cost.
   */
  readonly detector: FaceDetector;
  /** BlazeFace: the cascade's first stage. */
  readonly blazeface: Blazeface;
  /** FaceMesh face presence: drops boxes that are not human faces. */
  readonly verifier: FaceVerifier;
  readonly landmarker: Landmarker;
  /** Our trained occlusion head; absent when `occlusionHead` is off. */
  readonly occlusionHead?: OcclusionHead;
  /** Milliseconds from the call to ready-to-serve: backend start, weights, warm-up. */
  readonly coldStartMs: number;
  /** Milliseconds of the warm-up inference alone (0 when disabled). */
  readonly warmUpMs: number;
  dispose(): void;
}

/** Side of the blank warm-up image; any size works (the detector always sees 512×512). */
const WARM_UP_SIDE_PX = 64;

/** The SSD weights' manifest in `modelsDir`: checked at load even when the weights load later. */
const SSD_MANIFEST = 'ssd_mobilenetv1_model-weights_manifest.json';

/**
 * A {@link FaceDetector} that loads on its first prediction (once, shared by concurrent callers; a
 * failed load is retried by the next call). Disposing before any prediction loads nothing.
 */
export function lazyFaceDetector(load: () => Promise<FaceDetector>): FaceDetector {
  let loading: Promise<FaceDetector> | undefined;
  let disposed = false;
  const get = (): Promise<FaceDetector> => {
    if (disposed) return Promise.reject(new Error('face detector disposed'));
    if (loading === undefined) {
      const attempt = load();
      loading = attempt;
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    return loading;
  };
  return {
    predict: async (image, options) => (await get()).predict(image, options),
    dispose: () => {
      disposed = true;
      loading?.then((d) => d.dispose()).catch(() => undefined);
    },
  };
}

/**
 * Starts the backend, loads BlazeFace, FaceMesh (face presence), face_landmark_68, the occlusion
 * head when `config.occlusionHead` (SSD
 * MobileNetV1 too when `config.ssdAtInit`, otherwise on first use: its files are only checked),
 * then (when `config.warmUp`) runs each loaded net once on a blank image, because the first
 * inference of a net on a fresh backend costs several times the next ones.
 */
export async function loadModels(
  config: Pick<
    EngineConfig,
    | 'backend'
    | 'wasmDir'
    | 'modelsDir'
    | 'humanModelsDir'
    | 'headsDir'
    | 'warmUp'
    | 'ssdAtInit'
    | 'occlusionHead'
  >,
): Promise<Models> {
  const started = performance.now();
  const runtime = await initBackend(config);
  const [ssd, blaze, mesh, marks, head] = await Promise.allSettled([
    config.ssdAtInit
      ? loadFaceDetector(runtime, config.modelsDir)
      : access(join(config.modelsDir, SSD_MANIFEST)).then(() =>
          lazyFaceDetector(() => loadFaceDetector(runtime, config.modelsDir)),
        ),
    loadBlazeface(runtime, config.humanModelsDir),
    loadFaceVerifier(runtime, config.humanModelsDir),
    loadLandmarker(runtime, config.modelsDir),
    config.occlusionHead ? loadOcclusionHead(runtime, config.headsDir) : Promise.resolve(undefined),
  ]);
  const all = [ssd, blaze, mesh, marks, head];
  const loaded = all.flatMap((r) => (r.status === 'fulfilled' && r.value !== undefined ? [r.value] : []));
  if (
    ssd.status === 'rejected' ||
    blaze.status === 'rejected' ||
    mesh.status === 'rejected' ||
    marks.status === 'rejected' ||
    head.status === 'rejected'
  ) {
    for (const net of loaded) net.dispose();
    const failed = all.find((r) => r.status === 'rejected');
    const e: unknown = failed?.status === 'rejected' ? failed.reason : undefined;
    throw new Error(
      `cannot load face models from ${config.modelsDir}, ${config.humanModelsDir} and ${config.headsDir}: ${e instanceof Error ? e.message : e}`,
      {
        cause: e,
      },
    );
  }
  const [detector, blazeface, verifier, landmarker] = [ssd.value, blaze.value, mesh.value, marks.value];
  const occlusionHead = head.value;
  let warmUpMs = 0;
  if (config.warmUp) {
    const warmStart = performance.now();
    const blank = {
      width: WARM_UP_SIDE_PX,
      height: WARM_UP_SIDE_PX,
      channels: 3 as const,
      data: new Uint8Array(WARM_UP_SIDE_PX * WARM_UP_SIDE_PX * 3),
    };
    const region = { image: blank, originX: 0, originY: 0, scale: 1 };
    const box = { x: 8, y: 8, width: 48, height: 48 };
    await blazeface.predict(blank, { minScore: 1, iouThreshold: 0.5 });
    await verifier.predict(region, [box], 1.5);
    if (config.ssdAtInit) await detector.predict(blank, { minScore: 1, iouThreshold: 0.5 });
    await landmarker.predict(region, [box]);
    await occlusionHead?.predict([new Float32Array(OCCLUSION_HEAD_INPUT_PX ** 2 * OCCLUSION_HEAD_CHANNELS)]);
    warmUpMs = performance.now() - warmStart;
  }
  return {
    runtime,
    detector,
    blazeface,
    verifier,
    landmarker,
    ...(occlusionHead === undefined ? {} : { occlusionHead }),
    coldStartMs: performance.now() - started,
    warmUpMs,
    dispose: () => {
      for (const net of loaded) net.dispose();
    },
  };
}
