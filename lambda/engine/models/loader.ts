/** Models behind one loader: backend start, both nets' weights, and a warm-up inference. */
import type { EngineConfig } from '../config.js';
import type { TfRuntime } from './backend.js';
import { initBackend } from './backend.js';
import type { FaceDetector } from './face-detector.js';
import { loadFaceDetector } from './face-detector.js';
import type { Landmarker } from './landmarker.js';
import { loadLandmarker } from './landmarker.js';

export interface Models {
  readonly runtime: TfRuntime;
  readonly detector: FaceDetector;
  readonly landmarker: Landmarker;
  /** Milliseconds from the call to ready-to-serve: backend start, weights, warm-up. */
  readonly coldStartMs: number;
  /** Milliseconds of the warm-up inference alone (0 when disabled). */
  readonly warmUpMs: number;
  dispose(): void;
}

/** Side of the blank warm-up image; any size works (the detector always sees 512×512). */
const WARM_UP_SIDE_PX = 64;

/**
 * Starts the backend, loads SSD MobileNetV1 and face_landmark_68 from `config.modelsDir`, then
 * (when `config.warmUp`) runs one detection and one landmark pass on a blank image, because the
 * first inference on a fresh backend costs about a second more than the next ones.
 */
export async function loadModels(
  config: Pick<EngineConfig, 'backend' | 'wasmDir' | 'modelsDir' | 'warmUp'>,
): Promise<Models> {
  const started = performance.now();
  const runtime = await initBackend(config);
  let detector: FaceDetector | undefined;
  let landmarker: Landmarker | undefined;
  try {
    [detector, landmarker] = await Promise.all([
      loadFaceDetector(runtime, config.modelsDir),
      loadLandmarker(runtime, config.modelsDir),
    ]);
  } catch (e) {
    detector?.dispose();
    landmarker?.dispose();
    throw new Error(
      `cannot load face models from ${config.modelsDir}: ${e instanceof Error ? e.message : e}`,
      {
        cause: e,
      },
    );
  }
  let warmUpMs = 0;
  if (config.warmUp) {
    const warmStart = performance.now();
    const blank = {
      width: WARM_UP_SIDE_PX,
      height: WARM_UP_SIDE_PX,
      channels: 3 as const,
      data: new Uint8Array(WARM_UP_SIDE_PX * WARM_UP_SIDE_PX * 3),
    };
    await detector.predict(blank, { minScore: 1, iouThreshold: 0.5 });
    await landmarker.predict({ image: blank, originX: 0, originY: 0, scale: 1 }, [
      { x: 8, y: 8, width: 48, height: 48 },
    ]);
    warmUpMs = performance.now() - warmStart;
  }
  const loaded = { detector, landmarker };
  return {
    runtime,
    detector,
    landmarker,
    coldStartMs: performance.now() - started,
    warmUpMs,
    dispose: () => {
      loaded.detector.dispose();
      loaded.landmarker.dispose();
    },
  };
}
