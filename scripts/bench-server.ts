/**
 * `npm run bench:server`: the whole request through the local server (`npm start`'s compiled
 * bundle: HTTP, form parse, decrypt, decode, engine, JSON answer), timed by the client from send to
 * the last byte of the answer, against face-api's own pipeline (`bench-faceapi-worker.ts`) in
 * another process on the same photo; the two alternate request by request so both see the same
 * load. Photos: a 640 px and a 12 MP JPEG made from the astronaut fixture (`--photos 640,12` in
 * megapixels or `NNNpx`). Prints wall and CPU medians and the ratios; the server's CPU comes from
 * /proc (10 ms ticks), face-api's from the worker's own process.cpuUsage.
 *
 * Options: --runs N (default 9, after one untimed warm-up each), --photos LIST.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type EncryptionKeyInfo, encryptImage } from '../lambda/crypto/index.js';
import { median, syntheticPhoto } from './bench-support.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '9' }, photos: { type: 'string', default: '640px,12' } },
});
const runs = Math.max(1, Number(values.runs));

/** The next line of `lines`, parsed; rejects when `child` exits first. */
function nextJson(lines: Interface, child: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`process exited (${code})`));
    child.once('exit', onExit);
    lines.once('line', (line) => {
      child.off('exit', onExit);
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
}

/** User + system CPU milliseconds of process `pid` so far (Linux /proc, 10 ms ticks). */
async function processCpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const dir = await mkdtemp(join(tmpdir(), 'face-quality-bench-server-'));
const server = spawn(process.execPath, ['scripts/start.mjs'], {
  env: { ...process.env, PORT: '0', LOCAL_KEY_DIR: join(dir, 'keys'), LOG_LEVEL: 'error' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const worker = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-faceapi-worker.ts'], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
try {
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    server.once('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
  });
  const workerLines = createInterface({ input: worker.stdout as NonNullable<typeof worker.stdout> });
  await nextJson(workerLines, worker);
  const key = (await (await fetch(`${url}/quality/face/encryption-key`)).json()) as EncryptionKeyInfo;
  const serverPid = server.pid ?? 0;

  console.log(
    `${cpus().length}× ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; load average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')} at start; ${runs} runs per photo after a warm-up`,
  );
  console.log(
    '\n| photo | face-quality request, median wall (CPU) | face-api pipeline, median wall (CPU) | ratio wall | ratio CPU |',
  );
  console.log('|---|---|---|---|---|');
  for (const spec of values.photos.split(',')) {
    const megapixels = spec.endsWith('px') ? (Number(spec.slice(0, -2)) ** 2 * 3) / 4 / 1e6 : Number(spec);
    const photo = await syntheticPhoto(megapixels);
    const file = join(dir, `photo-${spec}.jpg`);
    await writeFile(file, photo);
    const body = `encrypted_image=${encodeURIComponent(await encryptImage(photo, key))}`;
    const ours = { wall: [] as number[], cpu: [] as number[] };
    const theirs = { wall: [] as number[], cpu: [] as number[] };
    for (let i = 0; i <= runs; i++) {
      const [c0, t0] = [await processCpuMs(serverPid), performance.now()];
      const res = await fetch(`${url}/quality/face/stateless`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      const text = await res.text();
      const wall = performance.now() - t0;
      const cpu = (await processCpuMs(serverPid)) - c0;
      if (res.status !== 200) throw new Error(`answered ${res.status}: ${text}`);
      worker.stdin?.write(`${file}\n`);
      const r = await nextJson(workerLines, worker);
      if (i === 0) continue;
      ours.wall.push(wall);
      ours.cpu.push(cpu);
      theirs.wall.push(Number(r.wallMs));
      theirs.cpu.push(Number(r.cpuMs));
    }
    const f = (xs: number[]) => Math.round(median(xs));
    const label = spec.endsWith('px') ? `${spec} JPEG` : `${spec} MP JPEG`;
    console.log(
      `| ${label} | ${f(ours.wall)} (${f(ours.cpu)}) ms | ${f(theirs.wall)} (${f(theirs.cpu)}) ms | ${(median(ours.wall) / median(theirs.wall)).toFixed(2)} | ${(median(ours.cpu) / median(theirs.cpu)).toFixed(2)} |`,
    );
  }
  console.log(
    `\nload average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')} at the end`,
  );
} finally {
  server.kill();
  worker.kill();
  await rm(dir, { recursive: true, force: true });
}
