/** Memory figures of this process, for the soak and fuzz reports. */
import faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import type { Tf } from '../lambda/engine/models/backend.js';

/** The tfjs instance the engine uses (the one face-api bundles; see lambda/engine/models/backend.ts). */
const tf = faceapi.tf as unknown as Tf;

export interface ProcessStats {
  /** Resident set size, MB (10^6 bytes). */
  readonly rssMb: number;
  /** V8 heap in use, MB. */
  readonly heapUsedMb: number;
  /** Memory of Buffers and other ArrayBuffers outside the V8 heap (wasm memory included), MB. */
  readonly externalMb: number;
  /** Live tfjs tensors: constant once the models are loaded, unless the engine leaks. */
  readonly numTensors: number;
  /** Bytes held by those tensors, MB. */
  readonly tensorMb: number;
}

const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;

/** Live tfjs tensors of this process. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}

/** The current figures. */
export function processStats(): ProcessStats {
  const m = process.memoryUsage();
  const t = tf.memory();
  return {
    rssMb: mb(m.rss),
    heapUsedMb: mb(m.heapUsed),
    externalMb: mb(m.external),
    numTensors: t.numTensors,
    tensorMb: mb(t.numBytes),
  };
}
