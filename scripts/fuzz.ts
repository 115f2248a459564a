/**
 * `npm run fuzz [-- --cases N] [--seed S] [--only ID-PREFIX] [--verbose] [--dump DIR]`: builds the seeded fuzz
 * corpus (scripts/fuzz-corpus.ts) and sends every case to the real local server (real handler,
 * real engine, a local key pair in a temp folder) over HTTP, raw TCP, or straight to the handler
 * for API Gateway events. Exits non-zero on any contract violation (a 5xx, an answer slower than
 * 10 s, a body that is not the contract's, an unexpected code), on a leaked tensor, an unhandled
 * error, or when the server stops answering.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createHandler, initDependencies } from '../lambda/app.js';
import { loadConfig } from '../lambda/config.js';
import type { EncryptionKeyInfo } from '../lambda/crypto/index.js';
import { openImage } from '../lambda/image/decode.js';
import { startServer } from '../lambda/local/server.js';
import { redirectJsonLines } from '../lambda/observability/output.js';
import { buildCorpus, type FuzzCase } from './fuzz-corpus.js';
import { closeFuzzClient, type FuzzResult, type FuzzSummary, runCases, summarize } from './fuzz-run.js';
import { liveTensors } from './soak-stats.js';

/** The seed CI runs with. */
export const DEFAULT_SEED = 20261202;

export interface FuzzOptions {
  readonly seed: number;
  /** Total cases; the fixed part of the corpus is always included. */
  readonly cases: number;
  /** Only run cases whose id starts with this. */
  readonly only?: string;
  /** Sees each result as it comes (progress output). */
  readonly onResult?: (result: FuzzResult, index: number, total: number) => void;
  /** Writes the image of every failing case that posts one into this folder (`<id>.bin`). */
  readonly dumpDir?: string;
}

export interface FuzzReport {
  readonly summary: FuzzSummary;
  /** Live tensors before and after the run: equal unless the engine leaks. */
  readonly tensors: { readonly before: number; readonly after: number };
  /** Unhandled rejections and exceptions seen during the run (names and messages). */
  readonly unhandled: readonly string[];
  /** Whether the server still answered a plain request after the last case. */
  readonly stillServing: boolean;
  /** Wall time to start the engine and server, to build the corpus, and to run it, in ms. */
  readonly timingsMs: { readonly start: number; readonly build: number; readonly run: number };
}

/** Starts the real server, runs the corpus against it, stops it. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const t0 = performance.now();
  const keyDir = await mkdtemp(join(tmpdir(), 'face-quality-fuzz-'));
  const unhandled: string[] = [];
  const record = (e: unknown): void => {
    unhandled.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  };
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  const config = loadConfig({ KEY_SOURCE: 'local', LOCAL_KEY_DIR: keyDir, LOG_LEVEL: 'error' });
  const deps = await initDependencies(config);
  const handler = createHandler(deps);
  const server = await startServer({ port: 0, config, handler });
  // Hundreds of log and metric lines (Powertools writes them to stdout/stderr) would bury the report.
  const restoreOutput = redirectJsonLines(() => undefined);
  try {
    const t1 = performance.now();
    const key = (await (
      await fetch(`${server.url}/quality/face/encryption-key`)
    ).json()) as EncryptionKeyInfo;
    const corpus: FuzzCase[] = (
      await buildCorpus({
        seed: options.seed,
        cases: options.cases,
        key,
        maxBodyBytes: config.limits.maxBodyBytes,
        maxImageBytes: config.limits.maxImageBytes,
      })
    ).filter((c) => options.only === undefined || c.id.startsWith(options.only));
    const t2 = performance.now();
    // SSD MobileNetV1 loads on its first use (a photo where BlazeFace is unsure): make that use
    // happen before counting, so the count compares a loaded engine with itself.
    const noFace = await readFile(resolve('test/fixtures/no-face-coffee.png'));
    await deps.engine.analyze((await openImage(noFace, config.limits)).source);
    const before = liveTensors();
    const results = await runCases({ url: server.url, handler }, corpus, (r, i) =>
      options.onResult?.(r, i, corpus.length),
    );
    const after = liveTensors();
    if (options.dumpDir !== undefined) await dumpFailures(options.dumpDir, corpus, results);
    const stillServing = (await fetch(`${server.url}/quality/face/encryption-key`)).status === 200;
    const timingsMs = {
      start: Math.round(t1 - t0),
      build: Math.round(t2 - t1),
      run: Math.round(performance.now() - t2),
    };
    return { summary: summarize(results), tensors: { before, after }, unhandled, stillServing, timingsMs };
  } finally {
    restoreOutput();
    closeFuzzClient();
    await server.close();
    deps.engine.dispose();
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
    await rm(keyDir, { recursive: true, force: true });
  }
}

/** Writes the plaintext image of each failing case to `dir`, to replay it with the intake or a viewer. */
async function dumpFailures(
  dir: string,
  corpus: readonly FuzzCase[],
  results: readonly FuzzResult[],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const failed = new Set(results.filter((r) => r.violations.length > 0).map((r) => r.id));
  for (const c of corpus) {
    if (failed.has(c.id) && c.plaintext !== undefined) {
      await writeFile(join(dir, `${c.id.replace(/[^A-Za-z0-9._-]+/g, '_')}.bin`), c.plaintext);
    }
  }
}

/** True when the report shows no problem at all. */
export function fuzzPassed(report: FuzzReport): boolean {
  return (
    report.summary.failures.length === 0 &&
    report.tensors.after === report.tensors.before &&
    report.unhandled.length === 0 &&
    report.stillServing
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '400' },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      only: { type: 'string' },
      dump: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const { formatSummary } = await import('./fuzz-run.js');
  const report = await runFuzz({
    seed: Number(values.seed),
    cases: Number(values.cases),
    ...(values.only === undefined ? {} : { only: values.only }),
    ...(values.dump === undefined ? {} : { dumpDir: values.dump }),
    onResult: (r, i, total) => {
      if (values.verbose || r.violations.length > 0) {
        process.stdout.write(
          `${r.violations.length > 0 ? 'FAIL' : 'ok  '} ${r.code ?? '-'} ${Math.round(r.latencyMs)} ms ${r.id}\n`,
        );
      } else if ((i + 1) % 50 === 0) process.stderr.write(`${i + 1}/${total}\n`);
    },
  });
  process.stdout.write(`${formatSummary(report.summary)}\n`);
  process.stdout.write(
    `tensors before/after: ${report.tensors.before}/${report.tensors.after}; unhandled errors: ${report.unhandled.length}; still serving: ${report.stillServing}; seed ${values.seed}\n` +
      `wall time: start ${report.timingsMs.start} ms, corpus ${report.timingsMs.build} ms, run ${report.timingsMs.run} ms\n`,
  );
  for (const u of report.unhandled) process.stdout.write(`UNHANDLED ${u}\n`);
  process.exitCode = fuzzPassed(report) ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`fuzz failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
