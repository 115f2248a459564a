/**
 * `npx tsx scripts/peak-memory.ts [--concurrent N]`: peak memory of one request with the largest
 * image the API accepts (50 MP: 8192×6103, as a baseline and as a progressive JPEG within
 * MAX_IMAGE_BYTES), measured in a fresh process per case through the real handler (parse,
 * decrypt with the local key, decode, engine). Prints the RSS after init and the peak RSS of the
 * process (getrusage maxRSS), which is what Lambda's memory limit counts. The CDK memory check
 * (`infra/settings.ts`, MEASURED_PEAK_RSS_MB) is set from these figures.
 *
 * `--concurrent N` also runs N such requests at once in one process (the local server's
 * MAX_CONCURRENT_ANALYSES, default 2).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createHandler, initDependencies } from '../lambda/app.js';
import { DEFAULT_LIMITS, loadConfig } from '../lambda/config.js';
import { encryptImage, ensureLocalKeyPair, rsaKeyInfo } from '../lambda/crypto/index.js';
import { localContext, toApiGatewayEvent } from '../lambda/local/event.js';
import { redirectJsonLines } from '../lambda/observability/output.js';
import { FACE_FIXTURE } from './fuzz-images.js';

/** The largest accepted image: the longest side allowed, and as tall as 50 MP allows. */
const WIDTH_PX = DEFAULT_LIMITS.maxSidePx;
const HEIGHT_PX = Math.floor((DEFAULT_LIMITS.maxMegapixels * 1e6) / WIDTH_PX);

/**
 * A 50 MP 16-bit RGBA PNG of one colour: tiny on the wire, but the widest pixels a decoder
 * expands (8 bytes a pixel, 400 MB) before our intake converts to 8-bit RGB.
 */
function widestPng(): Promise<Buffer> {
  return sharp({
    create: {
      width: WIDTH_PX,
      height: HEIGHT_PX,
      channels: 4,
      background: { r: 200, g: 180, b: 160, alpha: 0.5 },
    },
  })
    .toColourspace('rgb16')
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** The face photo upscaled to the full height on a 50 MP canvas, as JPEG just under MAX_IMAGE_BYTES. */
async function largestPhoto(progressive: boolean): Promise<Buffer> {
  const face = await sharp(FACE_FIXTURE).removeAlpha().resize(HEIGHT_PX, HEIGHT_PX).png().toBuffer();
  const canvas = sharp({
    create: { width: WIDTH_PX, height: HEIGHT_PX, channels: 3, background: { r: 120, g: 130, b: 140 } },
  }).composite([{ input: face, left: Math.round((WIDTH_PX - HEIGHT_PX) / 2), top: 0 }]);
  const flat = await canvas.png({ compressionLevel: 1 }).toBuffer();
  for (const quality of [90, 80, 70, 60, 50, 40]) {
    const jpeg = await sharp(flat, { limitInputPixels: false }).jpeg({ quality, progressive }).toBuffer();
    if (jpeg.length <= DEFAULT_LIMITS.maxImageBytes) return jpeg;
  }
  throw new Error('cannot fit a 50 MP JPEG within MAX_IMAGE_BYTES');
}

const mb = (kilobytes: number): number => Math.round(kilobytes / 1000);

/** Child: init, then `concurrent` requests with the body in `bodyFile`; prints one JSON line. */
async function measure(bodyFile: string, keyDir: string, concurrent: number): Promise<void> {
  const config = loadConfig({ KEY_SOURCE: 'local', LOCAL_KEY_DIR: keyDir });
  const deps = await initDependencies(config);
  const handler = createHandler(deps);
  // The request's log and metric lines would mix with the one JSON line this child prints.
  const restoreOutput = redirectJsonLines(() => undefined);
  const body = await readFile(bodyFile);
  const afterInitMb = mb(process.resourceUsage().maxRSS);
  const rssAfterInitMb = Math.round(process.memoryUsage().rss / 1e6);
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: concurrent }, async () => {
      const requestId = randomUUID();
      const event = toApiGatewayEvent({
        method: 'POST',
        url: '/quality/face/stateless',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        requestId,
      });
      const result = await handler(event, localContext(requestId));
      return JSON.parse(result.body).code as number;
    }),
  );
  const out = {
    codes: answers,
    rssAfterInitMb,
    peakAfterInitMb: afterInitMb,
    peakMb: mb(process.resourceUsage().maxRSS),
    wallMs: Math.round(performance.now() - started),
  };
  restoreOutput();
  process.stdout.write(`${JSON.stringify(out)}\n`);
  deps.engine.dispose();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      key: { type: 'string' },
      concurrent: { type: 'string', default: '1' },
    },
  });
  if (values.child !== undefined && values.key !== undefined) {
    await measure(values.child, values.key, Number(values.concurrent));
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'face-quality-peak-'));
  try {
    const pair = await ensureLocalKeyPair(join(dir, 'keys'));
    const key = rsaKeyInfo(pair.publicKeyPem, 'face-quality', pair.keyName);
    const self = fileURLToPath(import.meta.url);
    const runs: [string, () => Promise<Buffer>, number][] = [
      ['baseline JPEG with a face', () => largestPhoto(false), 1],
      ['progressive JPEG with a face', () => largestPhoto(true), 1],
      ['16-bit RGBA PNG, one colour', widestPng, 1],
    ];
    const concurrent = Number(values.concurrent);
    if (concurrent > 1) runs.push(['progressive JPEG with a face', () => largestPhoto(true), concurrent]);
    for (const [name, make, atOnce] of runs) {
      const photo = await make();
      const bodyFile = join(dir, 'body.txt');
      await writeFile(bodyFile, `encrypted_image=${encodeURIComponent(await encryptImage(photo, key))}`);
      const line = execFileSync(
        process.execPath,
        [
          ...process.execArgv,
          self,
          '--child',
          bodyFile,
          '--key',
          join(dir, 'keys'),
          '--concurrent',
          String(atOnce),
        ],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      const r = JSON.parse(line.trim().split('\n').pop() ?? '{}');
      process.stdout.write(
        `${WIDTH_PX}×${HEIGHT_PX} ${name} (${(photo.length / 1e6).toFixed(2)} MB), ${atOnce} at once: codes ${r.codes}; ` +
          `RSS after init ${r.rssAfterInitMb} MB, peak ${r.peakMb} MB (+${r.peakMb - r.peakAfterInitMb} MB over init), ${r.wallMs} ms\n`,
      );
    }
    process.stdout.write(`Node ${process.version}, ${process.arch}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`peak-memory failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
