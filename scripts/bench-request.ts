/**
 * `npm run bench:request`: one whole API request on a 12 MP JPEG, through the real handler
 * (parse form → decrypt with the local key → decode → engine → response), in a fresh process:
 *   init     building the dependencies (backend, weights, warm-up, key pair), what a cold Lambda pays once
 *   cold     the first request after init
 *   warm     the median of the following requests
 * Options: --runs N (warm requests, default 7), --megapixels M (default 12), --image FILE.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createHandler, initDependencies } from '../lambda/app.js';
import { loadConfig } from '../lambda/config.js';
import { encryptImage } from '../lambda/crypto/index.js';
import { localContext, toApiGatewayEvent } from '../lambda/local/event.js';
import { redirectJsonLines } from '../lambda/observability/output.js';
import { benchOptions, median, syntheticPhoto } from './bench-support.js';

const { runs, megapixels, image } = benchOptions();

const keyDir = await mkdtemp(join(tmpdir(), 'face-quality-bench-'));
try {
  const photo = image === undefined ? await syntheticPhoto(megapixels) : await readFile(image);
  const meta = await sharp(photo).metadata();
  const config = loadConfig({ KEY_SOURCE: 'local', LOCAL_KEY_DIR: keyDir });

  const t = performance.now();
  const deps = await initDependencies(config);
  const initMs = performance.now() - t;
  const handler = createHandler(deps);
  const key = await deps.decryptor.publicKeyInfo();
  const body = `encrypted_image=${encodeURIComponent(await encryptImage(photo, key))}`;

  const request = async (): Promise<number> => {
    const requestId = randomUUID();
    const event = toApiGatewayEvent({
      method: 'POST',
      url: '/quality/face/stateless',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(body),
      requestId,
    });
    const started = performance.now();
    const result = await handler(event, localContext(requestId));
    const elapsed = performance.now() - started;
    if (result.statusCode !== 200) throw new Error(`request answered ${result.statusCode}: ${result.body}`);
    return elapsed;
  };

  // The handler's log and metric lines would mix with the figures: take them off the output, and
  // keep each request line's stage timings for the per-stage medians.
  const stages: Record<string, number[]> = {};
  const restoreOutput = redirectJsonLines((line) => {
    const record: unknown = JSON.parse(line);
    if (typeof record !== 'object' || record === null || !('timings_ms' in record)) return;
    const timings = record.timings_ms;
    if (typeof timings !== 'object' || timings === null) return;
    for (const [stage, ms] of Object.entries(timings)) {
      if (typeof ms !== 'number') continue;
      const list = stages[stage] ?? [];
      list.push(ms);
      stages[stage] = list;
    }
  });
  const coldMs = await request();
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) warm.push(await request());
  restoreOutput();
  console.log(
    `${meta.width}×${meta.height} ${meta.format}, ${(photo.length / 1e6).toFixed(2)} MB image, ${(body.length / 1e6).toFixed(2)} MB body; backend ${deps.engine.backend}; Node ${process.version}`,
  );
  console.log(`  init (models, warm-up, key)  ${initMs.toFixed(0)} ms`);
  console.log(`  first request after init     ${coldMs.toFixed(0)} ms`);
  console.log(
    `  warm request, median of ${runs}  ${median(warm).toFixed(0)} ms  (min ${Math.min(...warm).toFixed(0)}, max ${Math.max(...warm).toFixed(0)})`,
  );
  // Stages of the warm requests only (the first request's lines come first).
  const stageLine = Object.entries(stages)
    .map(([stage, ms]) => `${stage} ${median(ms.slice(1)).toFixed(1)}`)
    .join(', ');
  console.log(`  warm request stages, median ms: ${stageLine}`);
  deps.engine.dispose();
} finally {
  await rm(keyDir, { recursive: true, force: true });
}
