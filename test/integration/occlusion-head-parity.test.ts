/**
 * The occlusion head's TypeScript forward pass against PyTorch's: `training/occlusion/train.py`
 * records the part shares PyTorch gives for a fixed probe input (`parity_probe_shares` in
 * `training/occlusion/metrics.json`, written with the committed weights); the engine's head must
 * give the same shares for the same input. A layer wired differently (kernel layout, the NHWC
 * flattening before the dense layers) fails here instead of silently degrading occlusion.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ENGINE_CONFIG } from '../../lambda/engine/config.js';
import { initBackend } from '../../lambda/engine/models/backend.js';
import {
  loadOcclusionHead,
  OCCLUSION_HEAD_CHANNELS,
  OCCLUSION_HEAD_INPUT_PX,
  OCCLUSION_HEAD_PARTS,
} from '../../lambda/engine/models/occlusion-head.js';

const METRICS = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'training',
  'occlusion',
  'metrics.json',
);

/** The probe of train.py: 0.5 + 0.5·sin(0.37·y + 0.23·x + 1.1·channel), HWC. */
function probe(): Float32Array {
  const size = OCCLUSION_HEAD_INPUT_PX;
  const c = OCCLUSION_HEAD_CHANNELS;
  const out = new Float32Array(size * size * c);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let k = 0; k < c; k++)
        out[(y * size + x) * c + k] = 0.5 + 0.5 * Math.sin(0.37 * y + 0.23 * x + 1.1 * k);
  return out;
}

test('the head gives the part shares PyTorch gave for the probe input', async () => {
  const recorded: unknown = JSON.parse(readFileSync(METRICS, 'utf8')).parity_probe_shares;
  if (!Array.isArray(recorded) || recorded.length !== OCCLUSION_HEAD_PARTS.length)
    throw new Error('metrics.json has no parity_probe_shares');
  const runtime = await initBackend({ backend: 'wasm', wasmDir: DEFAULT_ENGINE_CONFIG.wasmDir });
  const head = await loadOcclusionHead(runtime, DEFAULT_ENGINE_CONFIG.headsDir);
  try {
    const before = runtime.tf.memory().numTensors;
    const [shares] = await head.predict([probe()]);
    if (shares === undefined) throw new Error('no answer');
    OCCLUSION_HEAD_PARTS.forEach((part, k) => {
      expect(Math.abs(shares[part] - Number(recorded[k]))).toBeLessThan(2e-4);
    });
    // Shares that differ between parts: the probe exercises the whole map, not one constant.
    expect(Math.max(...recorded.map(Number)) - Math.min(...recorded.map(Number))).toBeGreaterThan(1e-3);
    expect(runtime.tf.memory().numTensors).toBe(before);
  } finally {
    head.dispose();
  }
});
