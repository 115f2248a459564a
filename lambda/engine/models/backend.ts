/**
 * Starts TensorFlow.js once per process. Everything tensor-related goes through the tf namespace
 * bundled by `@vladmandic/face-api` (its node-wasm build requires `@tensorflow/tfjs` and
 * `@tensorflow/tfjs-backend-wasm`), so exactly one tfjs-core instance exists.
 */
import { createRequire } from 'node:module';
import type { loadGraphModel } from '@tensorflow/tfjs';
import type { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type * as TfCore from '@tensorflow/tfjs-core';
import type { tf as FaceApiTf } from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import type { BackendName } from '../config.js';

/** The tfjs-core API plus the wasm backend's path setter and the graph-model loader, as face-api's bundle exposes them. */
export type Tf = typeof TfCore & {
  readonly setWasmPaths: typeof setWasmPaths;
  readonly loadGraphModel: typeof loadGraphModel;
};
export type FaceApi = typeof faceapi;

/**
 * face-api's .d.ts bundles its own copy of the tfjs tensor types; at run time they are the same
 * classes from the one tfjs-core instance. These two helpers are the only bridge between them.
 */
export function toFaceApiTensor(
  tensor: TfCore.Tensor4D | TfCore.Tensor3D,
): FaceApiTf.Tensor4D | FaceApiTf.Tensor3D {
  return tensor as unknown as FaceApiTf.Tensor4D | FaceApiTf.Tensor3D;
}

/** See {@link toFaceApiTensor}. */
export function fromFaceApiTensor<T extends TfCore.Tensor>(tensor: FaceApiTf.Tensor): T {
  return tensor as unknown as T;
}

export interface TfRuntime {
  readonly tf: Tf;
  readonly faceapi: FaceApi;
  /** The active backend, `wasm` or `tensorflow`. */
  readonly backend: 'wasm' | 'tensorflow';
}

export interface BackendOptions {
  readonly backend: BackendName;
  /** Folder holding `tfjs-backend-wasm*.wasm`. */
  readonly wasmDir: string;
}

// face-api types its `tf` with a narrow namespace; at run time it is the full `@tensorflow/tfjs` module.
const tf = faceapi.tf as unknown as Tf;
const require = createRequire(import.meta.url);

let started: { key: string; runtime: Promise<TfRuntime> } | undefined;

/** Loads the optional native backend; `false` when it is not installed or cannot load. */
function loadTfjsNode(): { ok: true } | { ok: false; reason: string } {
  // A variable keeps bundlers from trying to inline the optional package.
  const name = '@tensorflow/tfjs-node';
  try {
    require(name);
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e) };
  }
}

async function start(options: BackendOptions): Promise<TfRuntime> {
  let target: 'wasm' | 'tensorflow' = 'wasm';
  if (options.backend !== 'wasm') {
    const native = loadTfjsNode();
    if (native.ok) target = 'tensorflow';
    else if (options.backend === 'tensorflow') {
      throw new Error(
        `backend 'tensorflow' requested but @tensorflow/tfjs-node cannot load: ${native.reason}`,
      );
    }
  }
  if (target === 'wasm') {
    // The ESM build has no default location for the .wasm files.
    tf.setWasmPaths(options.wasmDir.endsWith('/') ? options.wasmDir : `${options.wasmDir}/`);
  }
  const switched = await tf.setBackend(target);
  await tf.ready();
  const active = tf.getBackend();
  // tfjs silently falls back to the pure-JS cpu backend (~35x slower): refuse to run on it.
  if (!switched || active !== target) {
    throw new Error(
      `TensorFlow.js backend '${target}' failed to start (active: '${active}'); check wasmDir=${options.wasmDir}`,
    );
  }
  return { tf, faceapi, backend: target };
}

/**
 * Initialises TensorFlow.js once per process and asserts the intended backend is active.
 * A later call with other options switches the backend. Rejects with a clear message when the
 * requested backend cannot start (never silently runs on `cpu`).
 */
export function initBackend(options: BackendOptions): Promise<TfRuntime> {
  const key = `${options.backend}|${options.wasmDir}`;
  if (started?.key !== key) {
    const runtime = start(options);
    started = { key, runtime };
    // A failed start may be retried (e.g. with another wasmDir).
    runtime.catch(() => {
      if (started?.runtime === runtime) started = undefined;
    });
  }
  return started.runtime;
}
