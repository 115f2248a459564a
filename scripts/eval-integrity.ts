/**
 * Integrity of faces cut by the image border against geometric truth. Each base photo has one
 * whole face; its landmark hull H is measured uncut, then the photo is cropped so that exactly
 * 25%, 50% or 75% of H stays inside (cut from the left, right, top or bottom) and the engine's
 * integrity on the crop is compared with that share. Prints the mean absolute error of the raw
 * landmark hull (the old measure) and of the hull completed from the mean-face fit (`cut-face.ts`).
 * Research photos are read at run time from ../shared (never copied into the repo).
 *
 * Run: npx tsx scripts/eval-integrity.ts [--detail] [sharedDataDir]   (--detail prints every crop)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveEngineConfig } from '../lambda/engine/config.js';
import type { Landmarks68 } from '../lambda/engine/landmarks.js';
import type { CutFaceOptions } from '../lambda/engine/measures/cut-face.js';
import { completeCutFace, DEFAULT_CUT_FACE_OPTIONS } from '../lambda/engine/measures/cut-face.js';
import {
  clipToRect,
  convexHull,
  fiveFeatures,
  polygonArea,
} from '../lambda/engine/measures/five-features.js';
import { integrityFrom } from '../lambda/engine/measures/integrity.js';
import { loadModels } from '../lambda/engine/models/loader.js';
import { locateFaces } from '../lambda/engine/pipeline.js';
import type { Point, RawImage } from '../lambda/engine/types.js';
import type { PixelRect } from '../test/helpers/engine.js';
import { crop, decodeImage, fixturePath } from '../test/helpers/engine.js';

const { values: args, positionals } = parseArgs({
  options: { detail: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const dataDir = positionals[0] ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'dev');
const config = resolveEngineConfig();
const models = await loadModels(config);

const BASES = [
  fixturePath('astronaut.png'),
  ...[
    'group-photos/face_recognition/obama.jpg',
    'group-photos/face_recognition/biden.jpg',
    'group-photos/face_recognition/tests_obama.jpg',
    'group-photos/face_recognition/knn_examples__train__rose_leslie__img1.jpg',
    'group-photos/face_recognition/knn_examples__train__kit_harington__john1.jpeg',
    'faceapi-samples/examples/images/happy.jpg',
    'faceapi-samples/examples/images/neutral.jpg',
    'faceapi-samples/examples/images/surprised.jpg',
    'faceapi-samples/examples/images/sad.jpg',
    'yale-conditions/png/subject02.normal.png',
    'yale-conditions/png/subject07.happy.png',
    'yale-conditions/png/subject11.noglasses.png',
  ].map((f) => join(dataDir, f)),
].filter((f) => existsSync(f));
const SHARES = [0.25, 0.5, 0.75];
const SIDES = ['left', 'right', 'top', 'bottom'] as const;
type Side = (typeof SIDES)[number];

/** The crop of a `w × h` image keeping only pixels on the kept side of `cutPx`, cutting from `side`. */
function cropRect(side: Side, cutPx: number, w: number, h: number): PixelRect {
  const c = Math.round(cutPx);
  switch (side) {
    case 'left':
      return { x: c, y: 0, width: w - c, height: h };
    case 'right':
      return { x: 0, y: 0, width: c, height: h };
    case 'top':
      return { x: 0, y: c, width: w, height: h - c };
    case 'bottom':
      return { x: 0, y: 0, width: w, height: c };
  }
}

/** Share of `hull` kept by {@link cropRect} (rounded cut, as applied). */
function keptShare(hull: readonly Point[], side: Side, cutPx: number, w: number, h: number): number {
  const r = cropRect(side, cutPx, w, h);
  const moved = hull.map((p) => ({ x: p.x - r.x, y: p.y - r.y }));
  return polygonArea(clipToRect(moved, r.width, r.height)) / polygonArea(hull);
}

/** The cut whose kept share of `hull` is `share`, by bisection over the hull's extent. */
function cutFor(hull: readonly Point[], side: Side, share: number, w: number, h: number): number {
  const horizontal = side === 'left' || side === 'right';
  const coords = hull.map((p) => (horizontal ? p.x : p.y));
  let lo = Math.min(...coords);
  let hi = Math.max(...coords);
  // Cutting from left/top: a larger cut keeps less; from right/bottom: more.
  const keepsLessAsCutGrows = side === 'left' || side === 'top';
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    const s = keptShare(hull, side, mid, w, h);
    if (s > share === keepsLessAsCutGrows) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

interface Case {
  readonly base: string;
  readonly side: Side;
  readonly truth: number;
  readonly landmarks: Landmarks68 | undefined;
  readonly width: number;
  readonly height: number;
}

const cases: Case[] = [];
for (const base of BASES) {
  const image: RawImage = await decodeImage(base);
  const located = await locateFaces(models, config, image);
  const [face] = located.faces;
  if (face === undefined || located.faces.length !== 1) {
    console.log(`${base}: ${located.faces.length} faces, skipped`);
    continue;
  }
  const hull = convexHull(face.landmarks);
  const whole = fiveFeatures(face.landmarks, image.width, image.height);
  if (whole.visibleAreaPx2 < 0.999 * whole.areaPx2) {
    console.log(`${base}: face already cut, skipped`);
    continue;
  }
  for (const side of SIDES) {
    for (const share of SHARES) {
      const cut = cutFor(hull, side, share, image.width, image.height);
      const r = cropRect(side, cut, image.width, image.height);
      const truth = keptShare(hull, side, cut, image.width, image.height);
      const piece = crop(image, r);
      const found = await locateFaces(models, config, piece);
      // The face nearest to where the uncut face's hull centre moved.
      const cx = whole.centre.x - r.x;
      const cy = whole.centre.y - r.y;
      const match = [...found.faces].sort(
        (a, b) =>
          Math.hypot(a.box.x + a.box.width / 2 - cx, a.box.y + a.box.height / 2 - cy) -
          Math.hypot(b.box.x + b.box.width / 2 - cx, b.box.y + b.box.height / 2 - cy),
      )[0];
      cases.push({
        base,
        side,
        truth,
        landmarks: match?.landmarks,
        width: piece.width,
        height: piece.height,
      });
    }
  }
}

function integrityOf(c: Case, options: CutFaceOptions | undefined): number {
  if (c.landmarks === undefined) return 0;
  const points =
    options === undefined ? c.landmarks : completeCutFace(c.landmarks, c.width, c.height, options);
  const ff = fiveFeatures(points, c.width, c.height);
  return integrityFrom(ff.visibleAreaPx2, ff.areaPx2);
}

const fmt = (v: number): string => v.toFixed(3);
function report(name: string, options: CutFaceOptions | undefined, onlyOutside = false): void {
  const detected = cases.filter(
    (c) =>
      c.landmarks !== undefined &&
      (!onlyOutside || c.landmarks.some((p) => p.x < 0 || p.y < 0 || p.x > c.width || p.y > c.height)),
  );
  const err = (cs: readonly Case[]): string =>
    cs.length === 0
      ? 'n/a'
      : fmt(cs.reduce((s, c) => s + Math.abs(integrityOf(c, options) - c.truth), 0) / cs.length);
  const bias = (cs: readonly Case[]): string =>
    fmt(cs.reduce((s, c) => s + integrityOf(c, options) - c.truth, 0) / Math.max(cs.length, 1));
  const byShare = SHARES.map((s) => {
    const cs = detected.filter((c) => Math.abs(c.truth - s) < 0.02);
    return `${Math.round(s * 100)}%: MAE ${err(cs)} bias ${bias(cs)}`;
  }).join(' | ');
  const bySide = SIDES.map((side) => `${side} ${err(detected.filter((c) => c.side === side))}`).join(' ');
  console.log(
    `${name.padEnd(28)} n=${detected.length} MAE ${err(detected)} bias ${bias(detected)} | ${byShare} | ${bySide}`,
  );
}

console.log(
  `bases: ${new Set(cases.map((c) => c.base)).size}, crops: ${cases.length}, face not detected: ${cases.filter((c) => c.landmarks === undefined).length}`,
);
report('raw landmark hull (before)', undefined);
report('mean-face completion (after)', DEFAULT_CUT_FACE_OPTIONS);
console.log('crops where the net put at least one landmark outside the image:');
report('raw landmark hull (before)', undefined, true);
report('mean-face completion (after)', DEFAULT_CUT_FACE_OPTIONS, true);
if (args.detail) {
  for (const c of cases) {
    if (c.landmarks === undefined) continue;
    const done = completeCutFace(c.landmarks, c.width, c.height);
    const inside = c.landmarks.filter(
      (p) => p.x >= 0 && p.y >= 0 && p.x <= c.width && p.y <= c.height,
    ).length;
    console.log(
      `${c.base.split('/').pop()?.padEnd(30)} ${c.side.padEnd(6)} truth ${fmt(c.truth)} raw ${fmt(integrityOf(c, undefined))} after ${fmt(integrityOf(c, DEFAULT_CUT_FACE_OPTIONS))} inside ${inside} changed ${done !== c.landmarks}`,
    );
  }
}
models.dispose();
