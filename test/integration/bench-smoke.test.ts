/**
 * `npm run bench --smoke` runs end to end on one small photo and writes a well-formed record.
 * Timings are printed by the benchmark, never asserted here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../layers/build-layers.js';

test('the benchmark smoke run measures both pipelines and writes its JSON record', () => {
  const dir = mkdtempSync(join(tmpdir(), 'face-quality-bench-'));
  try {
    const json = join(dir, 'bench.json');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench.ts', '--smoke', '--json', json],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 240_000,
      },
    );
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('| 0.3 MP JPEG |');
    const record = JSON.parse(readFileSync(json, 'utf8')) as {
      backend: string;
      peakRssMb: number;
      engineInitMs: number;
      results: {
        faces: { faceQuality: number; faceApi: number };
        ratio: number;
        ratioCpu: number;
        stagesMs: Record<string, unknown>;
      }[];
    };
    expect(record.backend).toBe('wasm');
    expect(record.peakRssMb).toBeGreaterThan(0);
    expect(record.engineInitMs).toBeGreaterThan(0);
    expect(record.results).toHaveLength(1);
    const [small] = record.results;
    expect(small?.faces).toEqual({ faceQuality: 1, faceApi: 1 });
    expect(small?.ratio).toBeGreaterThan(0);
    expect(small?.ratioCpu).toBeGreaterThan(0);
    expect(Object.keys(small?.stagesMs ?? {})).toEqual(
      expect.arrayContaining(['resize', 'detect', 'landmarks']),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
