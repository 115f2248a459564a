/**
 * `npm run soak [-- --minutes 10] [--clients 4] [--seed S]`: concurrent keep-alive clients send a
 * seeded mix of good and bad requests to the real local server (a child process, see
 * scripts/soak-server.ts) for the given time. Prints per minute: answers by code, unexpected
 * answers, p50/p95 latency, the server's RSS, heap, external memory and live tfjs tensors.
 *
 * Passes (exit code 0) when no answer was unexpected, the server never died, the tensor count
 * never changed, and (for runs of 3 minutes or more) the last minute's mean RSS lies within 10 %
 * of the second minute's (the first minute includes warm-up growth).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { constants } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { RawRsaKeyringNode } from '@aws-crypto/client-node';
import sharp from 'sharp';
import type { EncryptionKeyInfo } from '../lambda/crypto/index.js';
import { STATELESS_PATH } from '../lambda/http/router.js';
import { syntheticPhoto } from './bench-support.js';
import { encryptFor, strangerPublicKeyPem } from './fuzz-ciphertext.js';
import { flipBits, truncate } from './fuzz-images.js';
import { type Random, seededRandom } from './fuzz-random.js';
import type { SoakCommand, SoakReport } from './soak-server.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, '..', 'test', 'fixtures');

/** One kind of request of the mix and the one answer it must get. */
interface SoakRequest {
  readonly name: string;
  /** Relative frequency in the mix. */
  readonly weight: number;
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: Buffer;
  readonly status: number;
  readonly code: number;
}

type Stats = Extract<SoakReport, { type: 'stats' }>['stats'];

function form(encryptedImage: string): Buffer {
  return Buffer.from(`encrypted_image=${encodeURIComponent(encryptedImage)}`);
}

/** The request mix: good photos of two sizes, the client mistakes of issue 8, and refusals. */
async function buildMix(key: EncryptionKeyInfo, random: Random): Promise<SoakRequest[]> {
  const astronaut = await readFile(join(FIXTURES, 'astronaut.png'));
  const coffee = await readFile(join(FIXTURES, 'no-face-coffee.png'));
  const photo3mp = await syntheticPhoto(3);
  const enc = async (bytes: Uint8Array): Promise<string> => (await encryptFor(key, bytes)).toString('base64');
  const FORM = 'application/x-www-form-urlencoded';
  const post = (
    name: string,
    weight: number,
    body: Buffer | string,
    expected: [number, number],
    contentType: string | undefined = FORM,
  ): SoakRequest => ({
    name,
    weight,
    method: 'POST',
    path: STATELESS_PATH,
    contentType,
    body: Buffer.from(body),
    status: expected[0],
    code: expected[1],
  });
  // Encrypted for the service's key name with another key: what a client with a stale key sends.
  const staleKey = new RawRsaKeyringNode({
    rsaKey: { publicKey: strangerPublicKeyPem() },
    keyNamespace: key.key_namespace,
    keyName: key.key_name,
    padding: constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
  });
  const wrongKey = await encryptFor(key, astronaut, {
    extraKeyrings: [staleKey],
    serviceKeyLast: true,
    keyName: 'an-older-key',
  });
  const tampered = flipBits(await encryptFor(key, astronaut), 1, random, 2000, 3000);
  return [
    post('photo-512px', 30, form(await enc(astronaut)), [200, 1000]),
    post(
      'photo-3mp-json',
      15,
      JSON.stringify({ encrypted_image: await enc(photo3mp) }),
      [200, 1000],
      'application/json',
    ),
    post('no-face', 8, form(await enc(coffee)), [400, 4000]),
    post('wrong-key', 8, form(wrongKey.toString('base64')), [400, 1200]),
    post('tampered', 5, form(tampered.toString('base64')), [400, 1200]),
    post(
      'truncated-png',
      8,
      form(await enc(truncate(astronaut, Math.floor(astronaut.length / 2)))),
      [400, 2005],
    ),
    post('not-an-image', 8, form(await enc(Buffer.from(random.bytes(20_000)))), [400, 2005]),
    post('not-base64', 5, 'encrypted_image=%%%not-base64%%%', [400, 1200]),
    post('missing-field', 3, '{"image":"x"}', [400, 1200], 'application/json'),
    post('body-7mb', 3, Buffer.alloc(7_000_000, 0x41), [413, 2004]),
    post(
      'too-small',
      4,
      form(
        await enc(
          await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888' } })
            .png()
            .toBuffer(),
        ),
      ),
      [400, 2003],
    ),
    { ...post('unknown-route', 3, '', [404, 404]), method: 'GET', path: '/nowhere' },
  ];
}

/** One answer as a client saw it. */
interface Sample {
  readonly minute: number;
  readonly name: string;
  /** `code` of the body, or `net` for a network error, `bad` for an unreadable body. */
  readonly code: string;
  readonly latencyMs: number;
  readonly expected: boolean;
}

function send(agent: Agent, url: string, r: SoakRequest): Promise<{ status: number; code: string }> {
  return new Promise((resolveAnswer) => {
    const headers: Record<string, string> = { 'content-length': String(r.body.length) };
    if (r.contentType !== undefined) headers['content-type'] = r.contentType;
    const req = httpRequest(`${url}${r.path}`, { method: r.method, headers, agent }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        let code = 'bad';
        try {
          const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { code?: unknown };
          if (typeof body.code === 'number') code = String(body.code);
        } catch {
          // Not JSON: counted as `bad`.
        }
        resolveAnswer({ status: res.statusCode ?? 0, code });
      });
    });
    req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolveAnswer({ status: 0, code: 'net' }));
    req.end(r.body);
  });
}

/** Asks the server process for its figures. */
function askStats(child: ChildProcess): Promise<Stats> {
  const id = Math.random();
  return new Promise((resolveStats, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not report its stats')), 30_000);
    const onMessage = (message: SoakReport): void => {
      if (message.type === 'stats' && message.id === id) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolveStats(message.stats);
      }
    };
    child.on('message', onMessage);
    const command: SoakCommand = { type: 'stats', id };
    child.send(command);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
}

const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;

/** The figures of one minute. */
export interface MinuteReport {
  readonly minute: number;
  readonly answers: number;
  readonly byCode: Readonly<Record<string, number>>;
  readonly unexpected: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  /** Mean and largest RSS of the server over the minute's samples, MB. */
  readonly rssMeanMb: number;
  readonly rssMaxMb: number;
  readonly heapUsedMb: number;
  readonly externalMb: number;
  /** Distinct live tensor counts seen during the minute. */
  readonly tensors: readonly number[];
}

function minuteReport(minute: number, samples: readonly Sample[], stats: readonly Stats[]): MinuteReport {
  const byCode: Record<string, number> = {};
  for (const s of samples) byCode[s.code] = (byCode[s.code] ?? 0) + 1;
  const latencies = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  const last = stats[stats.length - 1];
  return {
    minute,
    answers: samples.length,
    byCode,
    unexpected: samples.filter((s) => !s.expected).length,
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    rssMeanMb: Math.round(mean(stats.map((s) => s.rssMb))),
    rssMaxMb: Math.round(Math.max(0, ...stats.map((s) => s.rssMb))),
    heapUsedMb: Math.round(last?.heapUsedMb ?? 0),
    externalMb: Math.round(last?.externalMb ?? 0),
    tensors: [...new Set(stats.map((s) => s.numTensors))],
  };
}

function formatMinute(m: MinuteReport): string {
  const codes = Object.entries(m.byCode)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `${code}:${n}`)
    .join(' ');
  return `min ${String(m.minute).padStart(2)} | ${String(m.answers).padStart(4)} answers | unexpected ${m.unexpected} | p50 ${m.p50Ms} ms p95 ${m.p95Ms} ms | RSS mean ${m.rssMeanMb} MB max ${m.rssMaxMb} MB | heap ${m.heapUsedMb} MB ext ${m.externalMb} MB | tensors ${m.tensors.join('/')} | ${codes}`;
}

/** The pass/fail verdict on the minutes of a run. Pure. */
export function verdict(
  minutes: readonly MinuteReport[],
  tensorCounts: ReadonlySet<number>,
  serverDied: boolean,
): { passed: boolean; lines: string[] } {
  const lines: string[] = [];
  const unexpected = minutes.reduce((n, m) => n + m.unexpected, 0);
  lines.push(`unexpected answers: ${unexpected}`);
  lines.push(`live tensor counts seen: ${[...tensorCounts].join(', ')}`);
  let rssOk = true;
  const second = minutes[1];
  const lastMinute = minutes[minutes.length - 1];
  if (minutes.length >= 3 && second !== undefined && lastMinute !== undefined) {
    const change = (lastMinute.rssMeanMb - second.rssMeanMb) / second.rssMeanMb;
    rssOk = Math.abs(change) <= 0.1;
    lines.push(
      `RSS last minute ${lastMinute.rssMeanMb} MB vs second minute ${second.rssMeanMb} MB: ${(change * 100).toFixed(1)} % (goal within 10 %)`,
    );
  } else lines.push('RSS trend: needs 3 minutes or more');
  if (serverDied) lines.push('the server process died');
  return { passed: unexpected === 0 && tensorCounts.size === 1 && rssOk && !serverDied, lines };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      clients: { type: 'string', default: '4' },
      seed: { type: 'string', default: '8' },
    },
  });
  const minutes = Number(values.minutes);
  const clients = Math.max(1, Math.floor(Number(values.clients)));
  const random = seededRandom(Number(values.seed));
  const keyDir = await mkdtemp(join(tmpdir(), 'face-quality-soak-'));
  const child = fork(join(HERE, 'soak-server.ts'), [], {
    execArgv: process.execArgv,
    env: { ...process.env, LOCAL_KEY_DIR: keyDir, LOG_LEVEL: 'info' },
  });
  let serverDied = false;
  child.on('exit', (code, signal) => {
    serverDied = true;
    process.stderr.write(`server process exited (${code ?? signal})\n`);
  });
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.once('message', (m: SoakReport) =>
        m.type === 'ready' ? resolveUrl(m.url) : reject(new Error('bad hello')),
      );
      child.once('exit', () => reject(new Error('server process exited before it was ready')));
    });
    const key = (await (await fetch(`${url}/quality/face/encryption-key`)).json()) as EncryptionKeyInfo;
    const mix = await buildMix(key, random);
    const totalWeight = mix.reduce((n, r) => n + r.weight, 0);
    const pick = (): SoakRequest => {
      let x = random.next() * totalWeight;
      for (const r of mix) {
        x -= r.weight;
        if (x < 0) return r;
      }
      return mix[mix.length - 1] as SoakRequest;
    };
    process.stdout.write(
      `soak: ${clients} keep-alive clients for ${minutes} min against ${url} (server pid ${child.pid}); mix: ${mix.map((r) => `${r.name}→${r.code}`).join(', ')}\n`,
    );

    const started = performance.now();
    const endMs = minutes * 60_000;
    const lastMinute = Math.ceil(minutes);
    // Answers that arrive after the end count in the last minute.
    const minuteOf = (): number =>
      Math.min(Math.floor((performance.now() - started) / 60_000) + 1, lastMinute);
    const samples: Sample[] = [];
    // SSD MobileNetV1 loads on its first use (a photo where BlazeFace is unsure, such as the one
    // without a face): send that photo once before the first sample, so the tensor count compares a
    // loaded engine with itself.
    const warmUp = mix.find((r) => r.name === 'no-face');
    if (warmUp !== undefined) {
      const agent = new Agent({ keepAlive: false });
      await send(agent, url, warmUp);
      agent.destroy();
    }
    const stats: { minute: number; stats: Stats }[] = [{ minute: 0, stats: await askStats(child) }];
    process.stdout.write(`before: RSS ${stats[0]?.stats.rssMb} MB, tensors ${stats[0]?.stats.numTensors}\n`);
    const reports: MinuteReport[] = [];
    let reported = 0;
    const reportUpTo = (minute: number): void => {
      while (reported < minute) {
        reported += 1;
        const report = minuteReport(
          reported,
          samples.filter((x) => x.minute === reported),
          stats.filter((x) => x.minute === reported).map((x) => x.stats),
        );
        reports.push(report);
        process.stdout.write(`${formatMinute(report)}\n`);
      }
    };
    const sampler = setInterval(() => {
      if (serverDied) return;
      const minute = minuteOf();
      askStats(child).then(
        (s) => stats.push({ minute, stats: s }),
        () => undefined,
      );
      // A minute is reported once the next one has begun.
      reportUpTo(minute - 1);
    }, 5000);

    const client = async (): Promise<void> => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      while (performance.now() - started < endMs && !serverDied) {
        const r = pick();
        const t = performance.now();
        const answer = await send(agent, url, r);
        samples.push({
          minute: minuteOf(),
          name: r.name,
          code: answer.code,
          latencyMs: performance.now() - t,
          expected: answer.status === r.status && answer.code === String(r.code),
        });
      }
      agent.destroy();
    };
    await Promise.all(Array.from({ length: clients }, client));
    clearInterval(sampler);
    const finalStats = await askStats(child).catch(() => undefined);
    if (finalStats !== undefined) stats.push({ minute: lastMinute, stats: finalStats });
    reportUpTo(lastMinute);
    const unexpectedNames = [
      ...new Set(samples.filter((x) => !x.expected).map((x) => `${x.name}→${x.code}`)),
    ];
    if (unexpectedNames.length > 0) process.stdout.write(`unexpected: ${unexpectedNames.join(', ')}\n`);
    process.stdout.write(`error log lines (500s): ${finalStats?.errorLogLines ?? 'n/a'}\n`);
    const result = verdict(reports, new Set(stats.map((x) => x.stats.numTensors)), serverDied);
    for (const line of result.lines) process.stdout.write(`${line}\n`);
    process.stdout.write(`${result.passed ? 'PASS' : 'FAIL'}\n`);
    process.exitCode = result.passed ? 0 : 1;
  } finally {
    if (!serverDied) {
      const command: SoakCommand = { type: 'stop' };
      child.send(command);
      await new Promise((done) => child.once('exit', done));
    }
    await rm(keyDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`soak failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
