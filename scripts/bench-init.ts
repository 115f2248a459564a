/**
 * `npm run bench:init`: the Lambda init of the staged bundle, as `cdk deploy` would upload it, in
 * fresh `node` processes: the function folder and its layers copied to a temporary `var/task` and
 * `opt` (as in test/infra/staged-bundle.test.ts), the module imported by the same runner, timed from
 * spawn to ready (import, backend, weights, warm-up, key configuration). Prints the median wall and CPU time
 * over `--runs` processes (default 5).
 *
 * Options: --runs N, --cpu-prof DIR (writes a V8 CPU profile of each process there).
 */
import { spawn } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../layers/build-layers.js';
import { stageLambda } from '../test/infra/stage-lambda.js';
import { removeSynthesized, synth } from '../test/infra/synth.js';
import { median } from './bench-support.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'cpu-prof': { type: 'string' },
    keep: { type: 'string' },
  },
});
const runs = Math.max(1, Number(values.runs));
const profileDir = values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']);

const s = synth({ arch: 'x86_64' }, { bundle: true });
const staged = stageLambda(s, 'face-quality-init-');
const { root, taskDir } = staged;
try {
  // The KMS key source with an ARN for the one the template references: it makes no call at init
  // (the public key is fetched on first use), so this is Lambda's init path without a network or
  // an account.
  const env: NodeJS.ProcessEnv = {
    ...staged.environment,
    KEY_SOURCE: 'kms',
    KMS_RSA_KEY_ARN: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000',
    LOG_LEVEL: 'error',
    PATH: process.env.PATH,
  };
  // Synthesis leaves this process busy for a moment (esbuild's service, garbage collection): a
  // process spawned at once measured 1.0-1.5 s against 0.55-0.7 s for the next ones.
  await new Promise((r) => setTimeout(r, 3000));
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const args = [
      ...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]),
      join(REPO_ROOT, 'test', 'infra', 'lambda-runner.mjs'),
      join(taskDir, 'index.mjs'),
    ];
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: taskDir,
      env,
      stdio: ['pipe', 'ignore', 'inherit', 'pipe'],
    });
    const lines = createInterface({ input: child.stdio[3] as Readable });
    const message = await new Promise<Record<string, unknown>>((resolveLine, reject) => {
      child.once('exit', (code) => reject(new Error(`the function process exited (${code})`)));
      lines.once('line', (line) => resolveLine(JSON.parse(line) as Record<string, unknown>));
    });
    wall.push(performance.now() - started);
    if (message.ready !== true) throw new Error(`init failed: ${String(message.initError)}`);
    cpu.push(Number(message.initCpuMs));
    child.stdin?.end();
    await new Promise((r) => child.once('exit', r));
  }
  console.log(
    `staged Lambda init (import, backend, weights, warm-up) over ${runs} fresh processes: median ${median(wall).toFixed(0)} ms wall (${wall.map((v) => v.toFixed(0)).join(', ')}), ${median(cpu).toFixed(0)} ms CPU; ${cpus().length}× ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, Node ${process.version}, load average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}`,
  );
} finally {
  if (values.keep !== undefined) cpSync(root, values.keep, { recursive: true });
  rmSync(root, { recursive: true, force: true });
  removeSynthesized(s);
}
