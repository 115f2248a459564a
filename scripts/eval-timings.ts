/**
 * Engine cold start and per-stage timings on a ~640 px photo and a ~12 MP upscale of it.
 * Run: npx tsx scripts/eval-timings.ts [runs]
 */
import { createEngine } from '../lambda/engine/index.js';
import { loadFixture, resize } from '../test/helpers/engine.js';

const runs = Number(process.argv[2] ?? 5);
const started = performance.now();
const engine = await createEngine();
console.log(
  `backend=${engine.backend} coldStartMs=${engine.coldStartMs} (createEngine wall ${Math.round(performance.now() - started)} ms, incl. module init)`,
);

const astronaut = await loadFixture('astronaut.png');
const photos = [
  { name: '640×640', image: await resize(astronaut, 640, 640) },
  { name: '4240×2832 (12.0 MP)', image: await resize(astronaut, 4240, 2832) },
];
for (const { name, image } of photos) {
  const samples: Record<string, number[]> = {};
  for (let i = 0; i < runs; i++) {
    const { timingsMs, faces } = await engine.analyze(image);
    if (faces.length !== 1) console.log(`${name}: ${faces.length} faces`);
    for (const [stage, ms] of Object.entries(timingsMs)) samples[stage] = [...(samples[stage] ?? []), ms];
  }
  const median = (v: number[]): number =>
    [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;
  console.log(
    `${name}: median of ${runs} runs, ms: ${Object.entries(samples)
      .map(([stage, v]) => `${stage}=${median(v).toFixed(0)}`)
      .join(' ')}`,
  );
}
engine.dispose();
