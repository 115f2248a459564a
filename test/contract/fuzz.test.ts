/**
 * The fixed-seed fuzz corpus (scripts/fuzz-corpus.ts, its fixed part: a few hundred cases) through
 * the real local server and the real handler, with the real engine and a local key pair. Every
 * answer must be a contract answer: no 5xx, none slower than 10 s, JSON with a contract code and
 * the error shape, and a code the case allows; real encodings of the face photo answer 1000. The
 * server must not leak tensors, throw unhandled errors or stop serving. Long runs with random
 * mutations: `npm run fuzz -- --cases N`.
 */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SEED, type FuzzReport, fuzzPassed, runFuzz } from '../../scripts/fuzz.js';
import { CONTRACT_CODES } from '../../scripts/fuzz-corpus.js';
import { formatSummary } from '../../scripts/fuzz-run.js';

describe('fuzz corpus (fixed seed) through the local server', () => {
  let report: FuzzReport;

  it('answers every case within the contract, and the server stays healthy', async () => {
    report = await runFuzz({ seed: DEFAULT_SEED, cases: 0 });
    const diagnosis = `${formatSummary(report.summary)}\ntensors ${report.tensors.before} → ${report.tensors.after}; unhandled: ${report.unhandled.join(' | ')}`;
    if (!fuzzPassed(report)) throw new Error(diagnosis);
    expect(report.summary.failures).toEqual([]);
    expect(report.tensors.after).toBe(report.tensors.before);
    expect(report.unhandled).toEqual([]);
    expect(report.stillServing).toBe(true);
  }, 600_000);

  it('is a few hundred cases that reach every code of the contract', () => {
    expect(report.summary.cases).toBeGreaterThanOrEqual(300);
    expect(Object.keys(report.summary.byCode).map(Number).sort()).toEqual([...CONTRACT_CODES].sort());
    expect(report.summary.byFamily['face-variant']).toBeGreaterThanOrEqual(40);
  });
});
