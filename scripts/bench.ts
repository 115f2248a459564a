/**
 * `npm run bench`: latency of face-quality against face-api's own pipeline (sharp decode of the whole
 * photo → `detectAllFaces(fullImage).withFaceLandmarks()`, SSD MobileNetV1, same wasm backend, one
 * thread) on the same photos, in one process, the two alternating run by run so that both see the
 * same load. Photos: 0.3, 2 and 12 MP JPEGs made from the public-domain astronaut fixture, and a
 * group photo read in place from ../shared/data/dev when present (skipped with a message otherwise).
 * Prints per-stage medians and p95, init time and peak RSS, and writes a JSON record. Next to wall
 * time it gives each pipeline's CPU time (process.cpuUsage around each run: every thread of the
 * process, sharp's included), which a shared, loaded machine inflates far less than wall time; the
 * load average is printed with the figures.
 *
 * Options:
 *   --runs N        timed runs per photo and pipeline (default 9, after one untimed warm-up run)
 *   --smoke         one small photo, 2 runs: what CI runs
 *   --group FILE    the group photo (default group-photos/vladmandic_human/group-1.jpg in the dev set)
 *   --json FILE     where the record goes (default bench-results.json; `-` = none)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lambda/config.js';
import { createEngine } from '../lambda/engine/index.js';
import { initBackend } from '../lambda/engine/models/backend.js';
import { decodeImage, openImage } from '../lambda/image/decode.js';
import { median, percentile, syntheticPhoto } from './bench-support.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    smoke: { type: 'boolean', default: false },
    group: { type: 'string' },
    json: { type: 'string', default: 'bench-results.json' },
  },
});
const runs = values.smoke ? 2 : Math.max(1, Number(values.runs));
const limits = { ...loadConfig({}).limits, maxImageBytes: Number.MAX_SAFE_INTEGER };

const processStart = performance.now();
const engine = await createEngine();
const initMs = performance.now() - processStart;
const { faceapi, tf } = await initBackend({ backend: engine.config.backend, wasmDir: engine.config.wasmDir });
await faceapi.nets.ssdMobilenetv1.loadFromDisk(engine.config.modelsDir);
await faceapi.nets.faceLandmark68Net.loadFromDisk(engine.config.modelsDir);

interface Photo {
  readonly name: string;
  readonly bytes: Buffer;
}

async function photos(): Promise<Photo[]> {
  const out: Photo[] = [{ name: '0.3 MP JPEG', bytes: await syntheticPhoto(0.3) }];
  if (values.smoke) return out;
  out.push({ name: '2 MP JPEG', bytes: await syntheticPhoto(2) });
  out.push({ name: '12 MP JPEG', bytes: await syntheticPhoto(12) });
  const group =
    values.group ??
    join(
      import.meta.dirname,
      '..',
      '..',
      'shared',
      'data',
      'dev',
      'group-photos',
      'vladmandic_human',
      'group-1.jpg',
    );
  if (existsSync(group))
    out.push({ name: `group photo (${group.split('/').pop()})`, bytes: readFileSync(group) });
  else console.log(`group photo ${group} not found: skipped`);
  return out;
}

/** face-api's own pipeline: whole-photo decode, SSD on the full image, 68 landmarks. */
async function faceApiPipeline(bytes: Buffer): Promise<number> {
  const { image } = await decodeImage(bytes, limits);
  const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
  try {
    const found = await faceapi
      .detectAllFaces(input as never, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }))
      .withFaceLandmarks();
    return found.length;
  } finally {
    input.dispose();
  }
}

async function ours(bytes: Buffer): Promise<{ faces: number; stages: Record<string, number> }> {
  const t = performance.now();
  const opened = await openImage(bytes, limits);
  const open = performance.now() - t;
  const result = await engine.analyze(opened.source);
  return { faces: result.faces.length, stages: { open, ...result.timingsMs } };
}

const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
const round1 = (v: number): number => Math.round(v * 10) / 10;

interface CaseResult {
  photo: string;
  sizePx: string;
  megabytes: number;
  faces: { faceQuality: number; faceApi: number };
  totalMs: { faceQuality: { median: number; p95: number }; faceApi: { median: number; p95: number } };
  /** Process CPU time per run (all threads), medians. */
  cpuMs: { faceQuality: number; faceApi: number };
  ratio: number;
  ratioCpu: number;
  stagesMs: Record<string, { median: number; p95: number }>;
}

const cpuNowMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const loadAverage = (): string =>
  loadavg()
    .map((v) => v.toFixed(1))
    .join(' ');
const loadAtStart = loadAverage();

const results: CaseResult[] = [];
for (const photo of await photos()) {
  const oursMs: number[] = [];
  const theirsMs: number[] = [];
  const oursCpu: number[] = [];
  const theirsCpu: number[] = [];
  const stageSamples: Record<string, number[]> = {};
  let faces = { faceQuality: 0, faceApi: 0 };
  for (let i = 0; i <= runs; i++) {
    let [t, c] = [performance.now(), cpuNowMs()];
    const o = await ours(photo.bytes);
    const [oMs, oCpu] = [performance.now() - t, cpuNowMs() - c];
    [t, c] = [performance.now(), cpuNowMs()];
    const theirs = await faceApiPipeline(photo.bytes);
    const [tMs, tCpu] = [performance.now() - t, cpuNowMs() - c];
    faces = { faceQuality: o.faces, faceApi: theirs };
    if (i === 0) continue; // warm-up
    oursMs.push(oMs);
    theirsMs.push(tMs);
    oursCpu.push(oCpu);
    theirsCpu.push(tCpu);
    for (const [k, v] of Object.entries(o.stages)) stageSamples[k] = [...(stageSamples[k] ?? []), v];
  }
  const { image } = await decodeImage(photo.bytes, limits);
  const summary = (xs: number[]) => ({ median: round1(median(xs)), p95: round1(percentile(xs, 95)) });
  results.push({
    photo: photo.name,
    sizePx: `${image.width}×${image.height}`,
    megabytes: Math.round(photo.bytes.length / 1e4) / 100,
    faces,
    totalMs: { faceQuality: summary(oursMs), faceApi: summary(theirsMs) },
    cpuMs: { faceQuality: Math.round(median(oursCpu)), faceApi: Math.round(median(theirsCpu)) },
    ratio: Math.round((median(oursMs) / median(theirsMs)) * 100) / 100,
    ratioCpu: Math.round((median(oursCpu) / median(theirsCpu)) * 100) / 100,
    stagesMs: Object.fromEntries(Object.entries(stageSamples).map(([k, v]) => [k, summary(v)])),
  });
}

const record = {
  date: new Date().toISOString(),
  machine: `${cpus().length}× ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${process.arch}`,
  backend: engine.backend,
  loadAverage: { start: loadAtStart, end: loadAverage() },
  runs,
  engineInitMs: Math.round(initMs),
  engineColdStartMs: engine.coldStartMs,
  peakRssMb: peakRssMb(),
  results,
};

console.log(
  `backend ${record.backend}; ${record.machine}; load average ${record.loadAverage.start} → ${record.loadAverage.end}; ${runs} runs per photo after a warm-up; engine init ${record.engineInitMs} ms; peak RSS ${record.peakRssMb} MB (both pipelines in this process)`,
);
console.log(
  '\n| photo | size | faces (ours / face-api) | face-quality median (p95) | face-api median (p95) | ratio | CPU median ours / face-api | ratio CPU |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.photo} | ${r.sizePx}, ${r.megabytes} MB | ${r.faces.faceQuality} / ${r.faces.faceApi} | ${r.totalMs.faceQuality.median} (${r.totalMs.faceQuality.p95}) ms | ${r.totalMs.faceApi.median} (${r.totalMs.faceApi.p95}) ms | ${r.ratio} | ${r.cpuMs.faceQuality} / ${r.cpuMs.faceApi} ms | ${r.ratioCpu} |`,
  );
}
console.log('\nface-quality stages, median (p95) ms:');
for (const r of results) {
  console.log(
    `  ${r.photo}: ${Object.entries(r.stagesMs)
      .map(([k, v]) => `${k} ${v.median} (${v.p95})`)
      .join(', ')}`,
  );
}
if (values.json !== '-') {
  writeFileSync(values.json, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nrecord written to ${values.json}`);
}
engine.dispose();
