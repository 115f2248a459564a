/**
 * 68-point landmarker: face-api's `face_landmark_68` net, fed with square crops of the
 * FULL-resolution image (zero-padded past the border, see `crop.ts`), mapped back to full-res pixels.
 */
import type { Tensor2D } from '@tensorflow/tfjs-core';
import type { Landmarks68 } from '../landmarks.js';
import { LANDMARK_COUNT } from '../landmarks.js';
import type { Box } from '../measures/types.js';
import type { Point, RegionImage } from '../types.js';
import type { TfRuntime } from './backend.js';
import { fromFaceApiTensor, toFaceApiTensor } from './backend.js';
import type { Square } from './crop.js';
import { sampleSquare, squareAround, squareAroundPoints } from './crop.js';

/** The landmark net's square input side. */
export const LANDMARK_INPUT_PX = 112;
/**
 * The crop's centre sits this many box heights below the SSD box centre: the SSD box includes the
 * forehead, the 68 points end at the brows. Calibrated on AFW (scripts/eval-pose.ts): median NME
 * over the outer-eye distance 6.7% with no shift, 5.6% with 0.1 (0.05: 5.9%, 0.15: 5.6%, 0.2: 5.3%
 * median but a worse mean).
 */
export const LANDMARK_CROP_SHIFT_DOWN = 0.1;
/**
 * Side of a refinement crop over the longer side of the previous landmarks' bounding box.
 * On AFW one refinement pass from 1.3 brings the mean NME from 6.1% to 5.7% (1.1: 5.9%, 1.2: 5.8%,
 * 1.4: 5.8%); for a face cut by the border it moves the landmarks further out, where they belong.
 */
export const LANDMARK_REFINE_SCALE = 1.3;

export interface Landmarker {
  /**
   * The 68 landmarks of each box (full-resolution pixels, like the boxes; points may lie outside
   * the photo): one pass on a crop around the box, then `refinePasses` passes on crops around the
   * previous landmarks. The crops are sampled from `region`, which must hold them wherever they
   * lie inside the photo. Creates no lasting tensors.
   */
  predict(region: RegionImage, boxes: readonly Box[], refinePasses?: number): Promise<Landmarks68[]>;
  dispose(): void;
}

/** Loads `face_landmark_68_model-weights_manifest.json` and its shard from `modelsDir`. */
export async function loadLandmarker(runtime: TfRuntime, modelsDir: string): Promise<Landmarker> {
  const { tf, faceapi } = runtime;
  const net = new faceapi.FaceLandmark68Net();
  await net.loadFromDisk(modelsDir);

  async function run(region: RegionImage, squares: readonly Square[]): Promise<Landmarks68[]> {
    const { originX, originY, scale } = region;
    const output = tf.tidy(() => {
      const crops = squares.map((square) =>
        tf.tensor3d(
          sampleSquare(
            region.image,
            {
              x: (square.x - originX) * scale,
              y: (square.y - originY) * scale,
              sizePx: square.sizePx * scale,
            },
            LANDMARK_INPUT_PX,
          ),
          [LANDMARK_INPUT_PX, LANDMARK_INPUT_PX, 3],
        ),
      );
      // Square 112-px inputs: face-api neither pads nor resizes them, and returns [x0, y0, x1, ...]
      // relative to each crop.
      const relative = net.forwardInput(new faceapi.NetInput(crops.map(toFaceApiTensor)));
      return fromFaceApiTensor<Tensor2D>(relative);
    });
    let values: Float32Array | Int32Array | Uint8Array;
    try {
      values = await output.data();
    } finally {
      output.dispose();
    }
    return squares.map((square, face) => {
      const points: Point[] = [];
      for (let i = 0; i < LANDMARK_COUNT; i++) {
        const o = (face * LANDMARK_COUNT + i) * 2;
        points.push({
          x: square.x + (values[o] ?? 0) * square.sizePx,
          y: square.y + (values[o + 1] ?? 0) * square.sizePx,
        });
      }
      return points;
    });
  }

  async function predict(
    region: RegionImage,
    boxes: readonly Box[],
    refinePasses = 1,
  ): Promise<Landmarks68[]> {
    if (boxes.length === 0) return [];
    let landmarks = await run(
      region,
      boxes.map((box) => squareAround(box, LANDMARK_CROP_SHIFT_DOWN)),
    );
    for (let pass = 0; pass < refinePasses; pass++) {
      landmarks = await run(
        region,
        landmarks.map((points) => squareAroundPoints(points, LANDMARK_REFINE_SCALE)),
      );
    }
    return landmarks;
  }

  return {
    predict,
    dispose: () => net.dispose(),
  };
}
