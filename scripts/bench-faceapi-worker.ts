/**
 * face-api's own pipeline in a process of its own, for `npm run bench:server`: sharp decode of the
 * whole photo → `detectAllFaces(fullImage).withFaceLandmarks()` (SSD MobileNetV1, minConfidence
 * 0.5, the wasm backend). Reads one photo path per line on stdin, answers one JSON line per photo
 * on stdout: faces found, wall and CPU milliseconds of the pipeline (measured in this process).
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { loadConfig } from '../lambda/config.js';
import { resolveEngineConfig } from '../lambda/engine/config.js';
import { initBackend } from '../lambda/engine/models/backend.js';
import { decodeImage } from '../lambda/image/decode.js';

const limits = { ...loadConfig({}).limits, maxImageBytes: Number.MAX_SAFE_INTEGER };
const config = resolveEngineConfig();
const { faceapi, tf } = await initBackend({ backend: config.backend, wasmDir: config.wasmDir });
await faceapi.nets.ssdMobilenetv1.loadFromDisk(config.modelsDir);
await faceapi.nets.faceLandmark68Net.loadFromDisk(config.modelsDir);
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const bytes = await readFile(line.trim());
  const [t, c] = [performance.now(), cpuMs()];
  const { image } = await decodeImage(bytes, limits);
  const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
  let faces = 0;
  try {
    const found = await faceapi
      .detectAllFaces(input as never, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }))
      .withFaceLandmarks();
    faces = found.length;
  } finally {
    input.dispose();
  }
  process.stdout.write(`${JSON.stringify({ faces, wallMs: performance.now() - t, cpuMs: cpuMs() - c })}\n`);
}
