/**
 * Loads a TensorFlow.js graph model (`<name>.json` with its weight shards) from a folder on disk.
 * tfjs's own file loader needs tfjs-node; this reads the files and hands them over in memory.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GraphModel } from '@tensorflow/tfjs';
import type { io } from '@tensorflow/tfjs-core';
import type { Tf } from './backend.js';

interface ModelJson {
  readonly modelTopology: unknown;
  readonly weightsManifest: readonly {
    readonly paths: readonly string[];
    readonly weights: io.WeightsManifestEntry[];
  }[];
}

function isModelJson(value: unknown): value is ModelJson {
  return (
    typeof value === 'object' &&
    value !== null &&
    'modelTopology' in value &&
    'weightsManifest' in value &&
    Array.isArray(value.weightsManifest)
  );
}

/**
 * The graph model described by `jsonPath`; its shards are read from the same folder, in manifest
 * order. Rejects when a file is missing or the JSON is not a graph model.
 */
export async function loadGraphModel(tf: Tf, jsonPath: string): Promise<GraphModel> {
  const json: unknown = JSON.parse(await readFile(jsonPath, 'utf8'));
  if (!isModelJson(json)) throw new Error(`${jsonPath} is not a TensorFlow.js graph model`);
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const shards = await Promise.all(
    json.weightsManifest.flatMap((group) => group.paths).map((p) => readFile(join(dirname(jsonPath), p))),
  );
  const weights = Buffer.concat(shards);
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tf.loadGraphModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs, weightData }),
  );
}
