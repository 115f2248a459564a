/**
 * `npm run bench:cold`: wall time from `npm start` (a fresh `node scripts/start.mjs` process, bundle
 * already built) to the first answer of a real request (GET the key, encrypt the astronaut fixture,
 * POST it), and the server's peak RSS after a 12 MP request. Runs `--runs N` fresh processes
 * (default 3) and prints the median. The server listens on a free port of 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type EncryptionKeyInfo, encryptImage } from '../lambda/crypto/index.js';
import { median, syntheticPhoto } from './bench-support.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Math.max(1, Number(values.runs));
const photo = await readFile('test/fixtures/astronaut.png');
const big = await syntheticPhoto(12);

/** User + system CPU milliseconds of process `pid` so far (Linux /proc, 10 ms ticks). */
async function processCpuMs(pid: number | undefined): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function once(
  keyDir: string,
  withBig: boolean,
): Promise<{ firstAnswerMs: number; firstAnswerCpuMs: number; rssMb?: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, PORT: '0', LOCAL_KEY_DIR: keyDir, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m?.[1] !== undefined) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
    });
    const key = (await (await fetch(`${url}/quality/face/encryption-key`)).json()) as EncryptionKeyInfo;
    const post = async (bytes: Buffer) => {
      const body = `encrypted_image=${encodeURIComponent(await encryptImage(bytes, key))}`;
      const res = await fetch(`${url}/quality/face/stateless`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      if (res.status !== 200) throw new Error(`answered ${res.status}: ${await res.text()}`);
    };
    await post(photo);
    const firstAnswerMs = performance.now() - started;
    const firstAnswerCpuMs = await processCpuMs(child.pid);
    if (!withBig) return { firstAnswerMs, firstAnswerCpuMs };
    for (let i = 0; i < 3; i++) await post(big);
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return {
      firstAnswerMs,
      firstAnswerCpuMs,
      rssMb: hwm === undefined ? undefined : Math.round(Number(hwm) / 1024),
    };
  } finally {
    child.kill();
  }
}

const keyDir = await mkdtemp(join(tmpdir(), 'face-quality-cold-'));
try {
  await once(keyDir, false); // builds the bundle if needed and creates the key pair
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  let rssMb: number | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await once(keyDir, i === runs - 1);
    samples.push(r.firstAnswerMs);
    cpuSamples.push(r.firstAnswerCpuMs);
    rssMb = r.rssMb ?? rssMb;
  }
  console.log(
    `npm start → first answer (astronaut.png, real POST): median ${Math.round(median(samples))} ms wall (${samples.map(Math.round).join(', ')}), ${Math.round(median(cpuSamples))} ms CPU of the server process, over ${runs} fresh processes; load average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}`,
  );
  console.log(`server peak RSS after three 12 MP requests: ${rssMb ?? 'n/a'} MB`);
} finally {
  await rm(keyDir, { recursive: true, force: true });
}
