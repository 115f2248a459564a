/**
 * Face detector: face-api's SSD MobileNetV1 weights, run on our own pre- and post-processing so the
 * boxes are NOT clamped to the image (face-api clamps them; a face cut by the border needs its
 * whole box for the landmark crop).
 */

import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import type { Box } from '../measures/types.js';
import type { RawImage } from '../types.js';
import type { TfRuntime } from './backend.js';
import { fromFaceApiTensor, toFaceApiTensor } from './backend.js';

/** The SSD net's square input side, fixed by its anchors. */
export const DETECTOR_INPUT_PX = 512;
/** Upper bound on raw detections kept by non-max suppression (face-api's default maxResults). */
export const MAX_DETECTIONS = 100;

export interface Detection {
  /** Face box in the pixels of the image given to `predict`; may extend past its border. */
  readonly box: Box;
  /** Detector confidence in [0,1]. */
  readonly score: number;
}

export interface DetectOptions {
  /** Lowest score kept, in [0,1]. */
  readonly minScore: number;
  /** Intersection-over-union above which the lower-scored box is dropped. */
  readonly iouThreshold: number;
}

export interface FaceDetector {
  /** Faces in `image`, highest score first. Creates no lasting tensors. */
  predict(image: RawImage, options: DetectOptions): Promise<Detection[]>;
  dispose(): void;
}

/** Loads `ssd_mobilenetv1_model-weights_manifest.json` and its shard from `modelsDir`. */
export async function loadFaceDetector(runtime: TfRuntime, modelsDir: string): Promise<FaceDetector> {
  const { tf, faceapi } = runtime;
  const net = new faceapi.SsdMobilenetv1();
  await net.loadFromDisk(modelsDir);

  async function predict(image: RawImage, options: DetectOptions): Promise<Detection[]> {
    const { width, height } = image;
    // face-api pads to a square at the bottom/right, then resizes to 512 (non-centred padding).
    const sidePx = Math.max(width, height);
    const { boxes, scores } = tf.tidy(() => {
      const pixels = tf.tensor4d(Int32Array.from(image.data), [1, height, width, 3], 'int32');
      const padded = tf.pad(pixels, [
        [0, 0],
        [0, sidePx - height],
        [0, sidePx - width],
        [0, 0],
      ]);
      const input = tf.image.resizeBilinear(padded, [DETECTOR_INPUT_PX, DETECTOR_INPUT_PX]);
      const out = net.forwardInput(new faceapi.NetInput([toFaceApiTensor(input)]));
      const [boxes, scores] = [out.boxes[0], out.scores[0]];
      if (boxes === undefined || scores === undefined) throw new Error('SSD MobileNetV1 returned no output');
      return { boxes: fromFaceApiTensor<Tensor2D>(boxes), scores: fromFaceApiTensor<Tensor1D>(scores) };
    });
    try {
      const keep = await tf.image.nonMaxSuppressionAsync(
        boxes,
        scores,
        MAX_DETECTIONS,
        options.iouThreshold,
        options.minScore,
      );
      let keepIdx: Int32Array | Float32Array | Uint8Array;
      try {
        keepIdx = await keep.data();
      } finally {
        keep.dispose();
      }
      const [boxData, scoreData] = await Promise.all([boxes.data(), scores.data()]);
      const detections: Detection[] = [];
      for (const i of keepIdx) {
        // Rows are [yMin, xMin, yMax, xMax] relative to the padded square.
        const yMin = (boxData[i * 4] ?? 0) * sidePx;
        const xMin = (boxData[i * 4 + 1] ?? 0) * sidePx;
        const yMax = (boxData[i * 4 + 2] ?? 0) * sidePx;
        const xMax = (boxData[i * 4 + 3] ?? 0) * sidePx;
        if (xMax <= xMin || yMax <= yMin) continue;
        detections.push({
          box: { x: xMin, y: yMin, width: xMax - xMin, height: yMax - yMin },
          score: scoreData[i] ?? 0,
        });
      }
      return detections;
    } finally {
      boxes.dispose();
      scores.dispose();
    }
  }

  return {
    predict,
    dispose: () => net.dispose(),
  };
}
