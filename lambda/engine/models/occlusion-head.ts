/**
 * The occlusion head: a small CNN trained by us (`training/occlusion/`, model card in
 * `models/heads/occlusion/README.md`) that reads an axis-aligned crop of the face plus four
 * channels marking where each part's landmark region lies, and answers the visible share of each
 * part (left eye, right eye, nose, mouth). The part channels tell the net where to look, so one net
 * serves frontal and turned faces; the crop is the landmarks' bounding square grown by
 * {@link OCCLUSION_HEAD_FRAME_SCALE}, sampled to {@link OCCLUSION_HEAD_INPUT_PX} pixels.
 *
 * Weights are in the TensorFlow.js weights format (`occlusion-weights_manifest.json` + `.bin`),
 * exported from PyTorch; the layer sequence is fixed here and checked against the manifest at load.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NamedTensorMap, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { frameOf, toFramePixels } from '../frame.js';
import { type Landmarks68, regionPoints } from '../landmarks.js';
import { faceFrame, landmarksUsable } from '../measures/pixels/face-frame.js';
import { convexHull, forEachPolygonSpan, growPolygon } from '../measures/pixels/polygon.js';
import type { MeasureInput } from '../measures/types.js';
import type { Point } from '../types.js';
import type { TfRuntime } from './backend.js';
import { sampleSquare, squareAroundPoints } from './crop.js';

/** Side of the head's square input, pixels. */
export const OCCLUSION_HEAD_INPUT_PX = 64;
/** Input channels: R, G, B, then the left-eye, right-eye, nose and mouth region masks. */
export const OCCLUSION_HEAD_CHANNELS = 7;
/** Side of the crop over the longer side of the 68 landmarks' bounding box. */
export const OCCLUSION_HEAD_FRAME_SCALE = 1.25;
/** The parts, in the order of the head's outputs and of the mask channels. */
export const OCCLUSION_HEAD_PARTS = ['left_eye', 'right_eye', 'nose', 'mouth'] as const;
export type HeadPart = (typeof OCCLUSION_HEAD_PARTS)[number];
/** Visible share in [0, 1] of each part, as the head judges it. */
export type PartVisibility = Readonly<Record<HeadPart, number>>;

/** File stem of the weights in the heads folder (`<stem>-weights_manifest.json`, `<stem>.bin`). */
const WEIGHTS_STEM = 'occlusion';

/**
 * The parts' landmark regions, in full-resolution pixels, in {@link OCCLUSION_HEAD_PARTS} order:
 * eye contours grown by 5 % of the inter-ocular distance, the nose hull (27-35), the outer lips.
 */
export function headPartRegions(landmarks: Landmarks68): Point[][] {
  const iod = faceFrame(landmarks).interOcularPx;
  return [
    growPolygon(convexHull(regionPoints(landmarks, 'subjectLeftEye')), 0.05 * iod),
    growPolygon(convexHull(regionPoints(landmarks, 'subjectRightEye')), 0.05 * iod),
    convexHull(regionPoints(landmarks, 'nose')),
    convexHull(regionPoints(landmarks, 'outerLips')),
  ];
}

/**
 * The head's input for one face: `OCCLUSION_HEAD_INPUT_PX`² pixels × 7 channels, interleaved
 * (HWC), each in [0, 1]. RGB is sampled from `input.image` (zero outside it); the part masks are the
 * regions of {@link headPartRegions} rasterised on the same grid. Null without 68 usable landmarks.
 */
export function occlusionHeadInput(input: MeasureInput): Float32Array | null {
  if (!landmarksUsable(input.landmarks)) return null;
  const size = OCCLUSION_HEAD_INPUT_PX;
  const frame = frameOf(input);
  const framed = input.landmarks.map((p) => toFramePixels(frame, p));
  const square = squareAroundPoints(framed, OCCLUSION_HEAD_FRAME_SCALE);
  const rgb = sampleSquare(input.image, square, size);
  const out = new Float32Array(size * size * OCCLUSION_HEAD_CHANNELS);
  for (let i = 0; i < size * size; i++) {
    out[i * OCCLUSION_HEAD_CHANNELS] = (rgb[3 * i] ?? 0) / 255;
    out[i * OCCLUSION_HEAD_CHANNELS + 1] = (rgb[3 * i + 1] ?? 0) / 255;
    out[i * OCCLUSION_HEAD_CHANNELS + 2] = (rgb[3 * i + 2] ?? 0) / 255;
  }
  const k = size / square.sizePx;
  headPartRegions(input.landmarks).forEach((region, c) => {
    const polygon = region.map((p) => {
      const q = toFramePixels(frame, p);
      return { x: (q.x - square.x) * k, y: (q.y - square.y) * k };
    });
    forEachPolygonSpan(polygon, size, size, (y, x0, x1) => {
      for (let x = x0; x < x1; x++) out[(y * size + x) * OCCLUSION_HEAD_CHANNELS + 3 + c] = 1;
    });
  });
  return out;
}

export interface OcclusionHead {
  /** The visible share of each part for each input of {@link occlusionHeadInput}. Creates no lasting tensors. */
  predict(inputs: readonly Float32Array[]): Promise<PartVisibility[]>;
  dispose(): void;
}

/** One layer of the fixed architecture: a 3×3 'same' convolution + ReLU + 2×2 max-pool, or a dense layer. */
interface LayerSpec {
  readonly kind: 'conv' | 'dense';
  readonly name: string;
  /** Max-pool after the convolution. */
  readonly pool?: boolean;
  /** ReLU after the layer (the last dense layer has a sigmoid instead). */
  readonly relu: boolean;
}

/** Layers in order; must match `training/occlusion/train.py`. */
export const OCCLUSION_HEAD_LAYERS: readonly LayerSpec[] = Object.freeze([
  { kind: 'conv', name: 'conv1', pool: true, relu: true },
  { kind: 'conv', name: 'conv2', pool: false, relu: true },
  { kind: 'conv', name: 'conv3', pool: true, relu: true },
  { kind: 'conv', name: 'conv4', pool: true, relu: true },
  { kind: 'conv', name: 'conv5', pool: true, relu: true },
  { kind: 'dense', name: 'fc1', relu: true },
  { kind: 'dense', name: 'fc2', relu: false },
]);

interface WeightsManifest {
  readonly paths: readonly string[];
  readonly weights: readonly { name: string; shape: number[]; dtype: 'float32' }[];
}

function isManifest(value: unknown): value is WeightsManifest[] {
  return (
    Array.isArray(value) &&
    value.every(
      (g) =>
        typeof g === 'object' &&
        g !== null &&
        Array.isArray((g as { paths?: unknown }).paths) &&
        Array.isArray((g as { weights?: unknown }).weights),
    )
  );
}

/** Loads the head's weights from `headsDir/occlusion/`; rejects when a tensor is missing or misshapen. */
export async function loadOcclusionHead(runtime: TfRuntime, headsDir: string): Promise<OcclusionHead> {
  const { tf } = runtime;
  const dir = join(headsDir, WEIGHTS_STEM);
  const manifestPath = join(dir, `${WEIGHTS_STEM}-weights_manifest.json`);
  const manifest: unknown = JSON.parse(await readFile(manifestPath, 'utf8'));
  if (!isManifest(manifest)) throw new Error(`${manifestPath} is not a TensorFlow.js weights manifest`);
  const specs = manifest.flatMap((g) => g.weights);
  const shards = await Promise.all(manifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
  const bytes = Buffer.concat(shards);
  const weights: NamedTensorMap = tf.io.decodeWeights(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    specs,
  );
  const get = (name: string, rank: number): Tensor => {
    const t = weights[name];
    if (t === undefined || t.rank !== rank) {
      for (const w of Object.values(weights)) w.dispose();
      throw new Error(`${manifestPath}: tensor ${name} of rank ${rank} missing`);
    }
    return t;
  };
  const layers = OCCLUSION_HEAD_LAYERS.map((l) => ({
    ...l,
    kernel: get(`${l.name}/kernel`, l.kind === 'conv' ? 4 : 2),
    bias: get(`${l.name}/bias`, 1),
  }));
  const first = layers[0]?.kernel.shape;
  const last = layers[layers.length - 1]?.kernel.shape;
  if (first?.[2] !== OCCLUSION_HEAD_CHANNELS || last?.[1] !== OCCLUSION_HEAD_PARTS.length) {
    for (const w of Object.values(weights)) w.dispose();
    throw new Error(`${manifestPath}: input or output size does not match the head`);
  }

  async function predict(inputs: readonly Float32Array[]): Promise<PartVisibility[]> {
    if (inputs.length === 0) return [];
    const size = OCCLUSION_HEAD_INPUT_PX;
    const batch = new Float32Array(inputs.length * size * size * OCCLUSION_HEAD_CHANNELS);
    inputs.forEach((x, i) => {
      batch.set(x, i * size * size * OCCLUSION_HEAD_CHANNELS);
    });
    const out = tf.tidy(() => {
      let x: Tensor = tf.tensor4d(batch, [inputs.length, size, size, OCCLUSION_HEAD_CHANNELS]);
      for (const l of layers) {
        if (l.kind === 'conv') {
          x = tf.add(tf.conv2d(x as Tensor4D, l.kernel as Tensor4D, 1, 'same'), l.bias);
          x = tf.relu(x);
          if (l.pool === true) x = tf.maxPool(x as Tensor4D, 2, 2, 'valid');
        } else {
          if (x.rank !== 2) x = tf.reshape(x, [inputs.length, -1]);
          x = tf.add(tf.matMul(x as Tensor, l.kernel as Tensor), l.bias);
          x = l.relu ? tf.relu(x) : tf.sigmoid(x);
        }
      }
      return x;
    });
    try {
      const v = await out.data();
      const n = OCCLUSION_HEAD_PARTS.length;
      return inputs.map(
        (_, i) =>
          Object.fromEntries(
            OCCLUSION_HEAD_PARTS.map((part, k) => [part, v[i * n + k] ?? 0]),
          ) as PartVisibility,
      );
    } finally {
      out.dispose();
    }
  }

  return {
    predict,
    dispose: () => {
      for (const w of Object.values(weights)) w.dispose();
    },
  };
}
