/**
 * `npm run bench`: end-to-end latency of our pipeline against face-api's own pipeline
 * (`detectAllFaces(fullResTensor).withFaceLandmarks()`) on the same images, in one process, on
 * the same backend. Prints medians and per-stage medians. Options:
 *   --runs N         timed runs per case (default 7, after one untimed warm-up run)
 *   --megapixels M   size of the large synthetic photo (default 12)
 *   --image FILE     also bench a photo of your own
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { loadConfig } from '../lambda/config.js';
import type { Engine } from '../lambda/engine/index.js';
import { createEngine } from '../lambda/engine/index.js';
import type { TfRuntime } from '../lambda/engine/models/backend.js';
import { initBackend } from '../lambda/engine/models/backend.js';
import { decodeImage } from '../lambda/image/decode.js';
import { benchOptions, median, syntheticPhoto } from './bench-support.js';

const { runs, megapixels, image } = benchOptions();
const limits = loadConfig({}).limits;

async function timeRuns(fn: () => Promise<unknown>): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function benchCase(engine: Engine, runtime: TfRuntime, name: string, bytes: Buffer): Promise<void> {
  const { faceapi, tf } = runtime;
  const stageSamples: Record<string, number[]> = {};
  let faces = 0;
  const ours = await timeRuns(async () => {
    const t = performance.now();
    const decoded = await decodeImage(bytes, limits);
    const decodeMs = performance.now() - t;
    const result = await engine.analyze(decoded.image);
    faces = result.faces.length;
    for (const [stage, ms] of Object.entries({ decode: decodeMs, ...result.timingsMs })) {
      stageSamples[stage] = [...(stageSamples[stage] ?? []), ms];
    }
  });
  let baselineFaces = 0;
  const baseline = await timeRuns(async () => {
    const decoded = await decodeImage(bytes, limits);
    const { width, height, data } = decoded.image;
    const input = tf.tensor3d(data, [height, width, 3], 'int32');
    try {
      const found = await faceapi
        .detectAllFaces(input as never, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }))
        .withFaceLandmarks();
      baselineFaces = found.length;
    } finally {
      input.dispose();
    }
  });
  const meta = await sharp(bytes).metadata();
  const oursMs = median(ours);
  const baseMs = median(baseline);
  console.log(
    `\n${name}: ${meta.width}×${meta.height} ${meta.format}, ${(bytes.length / 1e6).toFixed(2)} MB`,
  );
  console.log(`  face-api pipeline   median ${baseMs.toFixed(0)} ms  (faces ${baselineFaces})`);
  console.log(
    `  face-quality        median ${oursMs.toFixed(0)} ms  (faces ${faces})  speed-up ×${(baseMs / oursMs).toFixed(2)}`,
  );
  console.log(
    `  stages (median ms): ${Object.entries(stageSamples)
      .map(([k, v]) => `${k} ${median(v).toFixed(1)}`)
      .join(', ')}`,
  );
}

const engine = await createEngine();
console.log(
  `backend ${engine.backend}, cold start ${engine.coldStartMs} ms, ${runs} runs per case, Node ${process.version}`,
);
// Same process, same backend: initBackend returns the runtime the engine already started.
const runtime = await initBackend({ backend: engine.config.backend, wasmDir: engine.config.wasmDir });
await runtime.faceapi.nets.ssdMobilenetv1.loadFromDisk(engine.config.modelsDir);
await runtime.faceapi.nets.faceLandmark68Net.loadFromDisk(engine.config.modelsDir);

await benchCase(
  engine,
  runtime,
  '640 px photo',
  await sharp('test/fixtures/astronaut.png').resize(640).jpeg().toBuffer(),
);
await benchCase(engine, runtime, `${megapixels} MP photo`, await syntheticPhoto(megapixels));
if (image !== undefined) await benchCase(engine, runtime, image, await readFile(image));
engine.dispose();
