/**
 * The evaluation's sections. Each runs the black box on generated perturbations of base faces
 * (or on labelled photos) and returns result rows; the targets are issue 6's.
 */
import type { Landmarks68 } from '../../lambda/engine/landmarks.js';
import { pointBounds } from '../../lambda/engine/landmarks.js';
import { clipToRect, convexHull, polygonArea } from '../../lambda/engine/measures/five-features.js';
import { LUMA_B, LUMA_G, LUMA_R } from '../../lambda/engine/measures/pixels/luma.js';
import type { FaceQuality, Point, RawImage } from '../../lambda/engine/types.js';
import { crop, mirror, resize, rotate, scaleBrightness } from '../../test/helpers/engine.js';
import type { BaseFace } from './bases.js';
import type { DevItem } from './data.js';
import { readDevImage } from './data.js';
import { auc, mae, mean, share, spearman } from './metrics.js';
import {
  coverPart,
  coverPartially,
  drawMask,
  OCCLUDER_KINDS,
  type OccluderKind,
  type OccluderSources,
  type Side,
} from './occluders.js';
import { gaussianBlur, rng, scaleExposureLinear, seedOf } from './perturb.js';
import type { Row } from './report.js';
import type { BlackBox } from './run-engine.js';
import {
  integrityTruth,
  matchFace,
  mouthOpeningTruth,
  PARTS,
  type PartName,
  partTruth,
  poseTruth,
} from './truth.js';

export interface SectionContext {
  readonly box: BlackBox;
  /**
   * The --pool-engine's black box, when given: relative pose errors (rotation, mirror) then count
   * only the perturbed photos where it finds the face too, so two engines are judged on the same faces.
   */
  readonly poolBox?: BlackBox | undefined;
  readonly bases: readonly BaseFace[];
  readonly items: readonly DevItem[];
  /** Faces answered on each base photo (by item key), whether or not it has truth landmarks. */
  readonly faceCounts: ReadonlyMap<string, number>;
  readonly sources: OccluderSources;
  /** Use every `every`-th photo (1 = all), for quick runs; the bases are already thinned. */
  readonly every: number;
  readonly log: (line: string) => void;
}

const CLOSED_EYES = new Set(['sleepy', 'wink']);
const SIDE_LIT = new Set(['leftlight', 'rightlight']);
/** Faces turned further than this have a self-occluded far eye: not "clean" for occlusion. */
const MAX_CLEAN_YAW_DEG = 45;

/** True for a base face of the clean pool: no mask, no side light, not in near profile. */
function isClean(b: BaseFace): boolean {
  const { set, labels } = b.item;
  if (set === 'masks') return labels.mask === 'no';
  if (set === 'yale') return !SIDE_LIT.has(labels.condition ?? '');
  if (set === 'afw' || set === 'menpo' || set === 'faceapi') {
    return Number.isFinite(b.truthYawDeg) && Math.abs(b.truthYawDeg) <= MAX_CLEAN_YAW_DEG;
  }
  return false;
}

function subsample<T>(values: readonly T[], every: number): T[] {
  return values.filter((_, i) => i % every === 0);
}

const minPart = (f: FaceQuality): number => Math.min(...PARTS.map((p) => f.occlusion[p]));

/** Runs the black box on `image` and returns the face matching `truth` (undefined when not found). */
async function answer(box: BlackBox, image: RawImage, truth: Landmarks68): Promise<FaceQuality | undefined> {
  return matchFace(await box.analyze(image), truth, image.width, image.height);
}

// ---------------------------------------------------------------------------------- occlusion

interface OcclusionCase {
  readonly kind: OccluderKind;
  readonly scenario: 'eye' | 'nose' | 'mouth' | 'partial' | 'mask';
  readonly target: PartName;
  readonly truth: Record<PartName, number>;
  readonly answer: FaceQuality | undefined;
}

const PARTIAL_KINDS = ['skin', 'dark', 'texture', 'hand'] as const;
const SIDES: readonly Side[] = ['left', 'right', 'top', 'bottom'];

export async function occlusionSection(ctx: SectionContext): Promise<Row[]> {
  const cleanPool = ctx.bases.filter((b) => isClean(b));
  const found = cleanPool.filter((b) => b.clean !== undefined);
  const rows: Row[] = [];
  const cleanAnswers = found.map((b) => b.clean).filter((f): f is FaceQuality => f !== undefined);
  rows.push(
    {
      id: 'occlusion.clean_any_part_below_0.8',
      label: 'clean faces: share with any part < 0.8',
      value: share(cleanAnswers, (f) => minPart(f) < 0.8),
      n: cleanAnswers.length,
      target: { op: '<=', value: 0.01 },
    },
    {
      id: 'occlusion.clean_any_part_below_0.52',
      label: 'clean faces: share with any part < 0.52',
      value: share(cleanAnswers, (f) => minPart(f) < 0.52),
      n: cleanAnswers.length,
      issueNow: 0.1,
    },
    {
      id: 'occlusion.clean_mean_total',
      label: 'clean faces: mean total',
      value: mean(cleanAnswers.map((f) => f.occlusion.total)),
      n: cleanAnswers.length,
      issueNow: 0.89,
    },
  );
  for (const set of ['afw', 'masks', 'yale', 'faceapi'] as const) {
    const of = found.filter((b) => b.item.set === set || (set === 'afw' && b.item.set === 'menpo'));
    rows.push({
      id: `occlusion.clean_any_part_below_0.8.${set}`,
      label: `  of which ${set === 'afw' ? 'AFW + menpo (ground truth)' : set}`,
      value: share(of, (b) => b.clean !== undefined && minPart(b.clean) < 0.8),
      n: of.length,
    });
  }
  const closed = found.filter((b) => CLOSED_EYES.has(b.item.labels.condition ?? ''));
  rows.push({
    id: 'occlusion.closed_eyes_below_0.8',
    label: 'closed eyes (Yale sleepy, wink): share with an eye < 0.8',
    value: share(
      closed,
      (b) => Math.min(b.clean?.occlusion.left_eye ?? 0, b.clean?.occlusion.right_eye ?? 0) < 0.8,
    ),
    n: closed.length,
  });
  const sideLit = ctx.bases.filter(
    (b) => b.item.set === 'yale' && SIDE_LIT.has(b.item.labels.condition ?? '') && b.clean !== undefined,
  );
  rows.push({
    id: 'occlusion.side_lit_any_part_below_0.8',
    label: 'side-lit faces (Yale): share with any part < 0.8',
    value: share(sideLit, (b) => b.clean !== undefined && minPart(b.clean) < 0.8),
    n: sideLit.length,
  });

  // Generated occluders on the clean faces.
  const cases: OcclusionCase[] = [];
  const pool = found;
  for (const [i, b] of pool.entries()) {
    const rand = rng(seedOf(`occlusion:${b.item.key}`));
    const face = { image: b.image, landmarks: b.truth };
    const plan: { scenario: OcclusionCase['scenario']; target: PartName; kind: OccluderKind }[] = [
      {
        scenario: 'eye',
        target: i % 2 === 0 ? 'left_eye' : 'right_eye',
        kind: OCCLUDER_KINDS[i % 5] ?? 'skin',
      },
      { scenario: 'nose', target: 'nose', kind: OCCLUDER_KINDS[(i + 2) % 5] ?? 'skin' },
      { scenario: 'mouth', target: 'mouth', kind: OCCLUDER_KINDS[(i + 4) % 5] ?? 'skin' },
      {
        scenario: 'partial',
        target: PARTS[i % 4] ?? 'mouth',
        kind: PARTIAL_KINDS[Math.floor(rand() * PARTIAL_KINDS.length)] ?? 'skin',
      },
    ];
    if (i % 2 === 0) plan.push({ scenario: 'mask', target: 'mouth', kind: 'mask' });
    for (const p of plan) {
      let occluded: { image: RawImage; mask: Uint8Array };
      if (p.scenario === 'mask') occluded = drawMask(face, ctx.sources, rand);
      else if (p.scenario === 'partial') {
        const side = SIDES[Math.floor(rand() * SIDES.length)] ?? 'left';
        const fraction = 0.3 + 0.4 * rand();
        occluded = coverPartially(
          face,
          p.target,
          side,
          fraction,
          p.kind as (typeof PARTIAL_KINDS)[number],
          ctx.sources,
          rand,
        );
      } else
        occluded = coverPart(face, p.target, p.kind as (typeof OCCLUDER_KINDS)[number], ctx.sources, rand);
      cases.push({
        ...p,
        truth: partTruth(b.truth, occluded.mask, b.image.width, b.image.height),
        answer: await answer(ctx.box, occluded.image, b.truth),
      });
    }
    if ((i + 1) % 50 === 0) ctx.log(`  occlusion: ${i + 1}/${pool.length} faces`);
  }

  const cleanEyes = cleanAnswers.flatMap((f) => [f.occlusion.left_eye, f.occlusion.right_eye]);
  const partValues = (scenario: OcclusionCase['scenario'], kind?: OccluderKind): number[] =>
    cases
      .filter(
        (c) => c.scenario === scenario && (kind === undefined || c.kind === kind) && c.answer !== undefined,
      )
      .map((c) => c.answer?.occlusion[c.target] ?? Number.NaN);
  const foundShare = (scenario: OcclusionCase['scenario']): number =>
    share(
      cases.filter((c) => c.scenario === scenario),
      (c) => c.answer !== undefined,
    );
  const eyeCovered = partValues('eye');
  rows.push({
    id: 'occlusion.eye_auc',
    label: 'eye occlusion AUC (one eye covered vs clean eyes)',
    value: auc(cleanEyes, eyeCovered),
    n: eyeCovered.length,
    target: { op: '>=', value: 0.95 },
    issueNow: 0.888,
  });
  for (const kind of OCCLUDER_KINDS) {
    const covered = partValues('eye', kind);
    rows.push({
      id: `occlusion.eye_auc.${kind}`,
      label: `  eye AUC, ${kind} occluder`,
      value: auc(cleanEyes, covered),
      n: covered.length,
    });
  }
  for (const part of ['nose', 'mouth'] as const) {
    const clean = cleanAnswers.map((f) => f.occlusion[part]);
    const covered = partValues(part);
    rows.push({
      id: `occlusion.${part}_auc`,
      label: `${part} occlusion AUC (covered vs clean)`,
      value: auc(clean, covered),
      n: covered.length,
      target: { op: '>=', value: 0.95 },
      issueNow: part === 'nose' ? 0.99 : 0.998,
    });
    const masked = cases
      .filter((c) => c.scenario === 'mask' && c.answer !== undefined)
      .map((c) => c.answer?.occlusion[part] ?? Number.NaN);
    rows.push({
      id: `occlusion.${part}_auc_synthetic_mask`,
      label: `${part} AUC, synthetic masks vs clean`,
      value: auc(clean, masked),
      n: masked.length,
      target: { op: '>=', value: 0.95 },
      issueNow: part === 'nose' ? 0.985 : 0.987,
    });
  }
  // Real masks: the eval split of masks-with-without, as answered on the unperturbed photos.
  const realMasked = ctx.bases.filter(
    (b) => b.item.set === 'masks' && b.item.labels.mask === 'yes' && b.clean,
  );
  const realBare = ctx.bases.filter((b) => b.item.set === 'masks' && b.item.labels.mask === 'no' && b.clean);
  for (const part of ['nose', 'mouth'] as const) {
    rows.push({
      id: `occlusion.${part}_auc_real_mask`,
      label: `${part} AUC, real masks vs without (masks set)`,
      value: auc(
        realBare.map((b) => b.clean?.occlusion[part] ?? Number.NaN),
        realMasked.map((b) => b.clean?.occlusion[part] ?? Number.NaN),
      ),
      n: realMasked.length + realBare.length,
      target: { op: '>=', value: 0.95 },
    });
  }
  // Visible-fraction error of covered parts: every part the occluder touched (truth <= 0.95).
  const covered: { p: number; t: number }[] = [];
  const untouched: { p: number; t: number }[] = [];
  for (const c of cases) {
    if (c.answer === undefined) continue;
    for (const part of PARTS) {
      const t = c.truth[part];
      const p = c.answer.occlusion[part];
      if (t <= 0.95) covered.push({ p, t });
      else if (t >= 0.999) untouched.push({ p, t });
    }
  }
  rows.push({
    id: 'occlusion.visible_fraction_mae',
    label: 'visible-fraction MAE of covered parts',
    value: mae(
      covered.map((c) => c.p),
      covered.map((c) => c.t),
    ),
    n: covered.length,
    target: { op: '<=', value: 0.1 },
    issueNow: 0.134,
  });
  const partial = cases.filter((c) => c.scenario === 'partial' && c.answer !== undefined);
  rows.push({
    id: 'occlusion.partial_mae',
    label: '  of which partly covered parts (half an eye...)',
    value: mae(
      partial.map((c) => c.answer?.occlusion[c.target] ?? Number.NaN),
      partial.map((c) => c.truth[c.target]),
    ),
    n: partial.length,
  });
  rows.push({
    id: 'occlusion.untouched_parts_mae',
    label: '  untouched parts next to an occluder: MAE',
    value: mae(
      untouched.map((c) => c.p),
      untouched.map((c) => c.t),
    ),
    n: untouched.length,
  });
  for (const scenario of ['eye', 'nose', 'mouth', 'partial', 'mask'] as const) {
    rows.push({
      id: `occlusion.found.${scenario}`,
      label: `  face still found with ${scenario} occluder`,
      value: foundShare(scenario),
      n: cases.filter((c) => c.scenario === scenario).length,
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------- sharpness

/** Smallest inter-ocular distance judged: below it sigma = IOD/120 is under 0.3 px. */
const MIN_SHARPNESS_IOD_PX = 36;

/** Luma of the truth landmarks' box: the plain reference measures run on it. */
function faceBoxLuma(image: RawImage, truth: Landmarks68): { w: number; h: number; luma: Float32Array } {
  const b = pointBounds(truth);
  const x0 = Math.max(0, Math.floor(b.minX));
  const y0 = Math.max(0, Math.floor(b.minY));
  const x1 = Math.min(image.width, Math.ceil(b.maxX));
  const y1 = Math.min(image.height, Math.ceil(b.maxY));
  const w = Math.max(0, x1 - x0);
  const h = Math.max(0, y1 - y0);
  const luma = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = ((y + y0) * image.width + x + x0) * 3;
      luma[y * w + x] =
        LUMA_R * (image.data[o] ?? 0) + LUMA_G * (image.data[o + 1] ?? 0) + LUMA_B * (image.data[o + 2] ?? 0);
    }
  }
  return { w, h, luma };
}

/** RMS of the 4-neighbour Laplacian of the face box: the plain reference for sharpness. */
function rmsLaplacian(image: RawImage, truth: Landmarks68): number {
  const { w, h, luma } = faceBoxLuma(image, truth);
  let sum = 0;
  let n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const l =
        4 * (luma[i] ?? 0) -
        (luma[i - 1] ?? 0) -
        (luma[i + 1] ?? 0) -
        (luma[i - w] ?? 0) -
        (luma[i + w] ?? 0);
      sum += l * l;
      n++;
    }
  }
  return n === 0 ? 0 : Math.sqrt(sum / n);
}

export async function sharpnessSection(ctx: SectionContext): Promise<Row[]> {
  // Masks-set photos are web images, often upscaled from low resolution: their "original" is
  // already blurred, so the blur ladder is judged on the photo sets with sharp originals.
  const pool = ctx.bases.filter(
    (b) => isClean(b) && b.clean !== undefined && b.iodPx >= MIN_SHARPNESS_IOD_PX && b.item.set !== 'masks',
  );
  const original: number[] = [];
  const blurred: number[] = [];
  const blurred60: number[] = [];
  const halfChange: number[] = [];
  const plainOriginal: number[] = [];
  const plainBlurred: number[] = [];
  for (const [i, b] of pool.entries()) {
    const s0 = b.clean?.sharpness ?? Number.NaN;
    const soft = gaussianBlur(b.image, b.iodPx / 120);
    const sb = (await answer(ctx.box, soft, b.truth))?.sharpness;
    if (sb !== undefined) {
      original.push(s0);
      blurred.push(sb);
    }
    plainOriginal.push(rmsLaplacian(b.image, b.truth));
    plainBlurred.push(rmsLaplacian(soft, b.truth));
    const halfW = Math.round(b.image.width / 2);
    const halfH = Math.round(b.image.height / 2);
    const half = await resize(b.image, halfW, halfH);
    const truthHalf = b.truth.map((p) => ({
      x: (p.x * halfW) / b.image.width,
      y: (p.y * halfH) / b.image.height,
    }));
    const sh = (await answer(ctx.box, half, truthHalf))?.sharpness;
    if (sh !== undefined) halfChange.push(Math.abs(sh - s0));
    if (i % 3 === 0) {
      const s60 = (await answer(ctx.box, gaussianBlur(b.image, b.iodPx / 60), b.truth))?.sharpness;
      if (s60 !== undefined) blurred60.push(s60);
    }
    if ((i + 1) % 50 === 0) ctx.log(`  sharpness: ${i + 1}/${pool.length} faces`);
  }
  return [
    {
      id: 'sharpness.auc_iod120',
      label: `sharpness AUC, original vs blur sigma=IOD/120 (IOD >= ${MIN_SHARPNESS_IOD_PX} px)`,
      value: auc(original, blurred),
      n: blurred.length,
      target: { op: '>=', value: 0.99 },
      issueNow: 0.917,
    },
    {
      id: 'sharpness.auc_iod60',
      label: '  sharpness AUC, original vs blur sigma=IOD/60',
      value: auc(original, blurred60),
      n: blurred60.length,
    },
    {
      id: 'sharpness.plain_laplacian_auc_iod120',
      label: '  reference: RMS Laplacian of the face box, same pairs',
      value: auc(plainOriginal, plainBlurred),
      n: plainBlurred.length,
      issueNow: 0.973,
    },
    {
      id: 'sharpness.half_size_change',
      label: 'sharpness mean |change| at half size',
      value: mean(halfChange),
      n: halfChange.length,
      target: { op: '<=', value: 0.1 },
    },
  ];
}

// ---------------------------------------------------------------------------------- brightness

export async function brightnessSection(ctx: SectionContext): Promise<Row[]> {
  const pool = ctx.bases.filter((b) => isClean(b) && b.clean !== undefined);
  const original: number[] = [];
  const darker: number[] = [];
  const darkerLinear: number[] = [];
  const plainOriginal: number[] = [];
  const plainDarker: number[] = [];
  const plainMean = (image: RawImage, truth: Landmarks68): number =>
    mean([...faceBoxLuma(image, truth).luma]);
  for (const [i, b] of pool.entries()) {
    const dark = scaleBrightness(b.image, 0.6);
    const bd = (await answer(ctx.box, dark, b.truth))?.brightness;
    if (bd !== undefined) {
      original.push(b.clean?.brightness ?? Number.NaN);
      darker.push(bd);
    }
    plainOriginal.push(plainMean(b.image, b.truth));
    plainDarker.push(plainMean(dark, b.truth));
    if (i % 3 === 0) {
      const bl = (await answer(ctx.box, scaleExposureLinear(b.image, 0.6), b.truth))?.brightness;
      if (bl !== undefined) darkerLinear.push(bl);
    }
    if ((i + 1) % 50 === 0) ctx.log(`  brightness: ${i + 1}/${pool.length} faces`);
  }
  // Yale B: frontal light (<= 25° off axis) vs dark (>= 70° or ambient), as answered.
  const lit: number[] = [];
  const dim: number[] = [];
  let yaleBTried = 0;
  for (const item of subsample(
    ctx.items.filter((it) => it.set === 'yaleB' && it.split === 'eval'),
    ctx.every,
  )) {
    const az = Math.abs(Number(item.labels.light_azimuth_deg));
    const el = Math.abs(Number(item.labels.light_elevation_deg));
    const angle =
      (Math.acos(Math.cos((az * Math.PI) / 180) * Math.cos((el * Math.PI) / 180)) * 180) / Math.PI;
    const ambient = item.labels.is_ambient === '1';
    const group = ambient || angle >= 70 ? dim : angle <= 25 ? lit : undefined;
    if (group === undefined) continue;
    yaleBTried++;
    const faces = await ctx.box.analyze(await readDevImage(item.file));
    const first = faces[0];
    if (first !== undefined) group.push(first.brightness);
  }
  return [
    {
      id: 'brightness.auc_x0.6',
      label: 'brightness AUC, original vs pixel values x0.6',
      value: auc(original, darker),
      n: darker.length,
      target: { op: '>=', value: 0.99 },
      issueNow: 0.936,
    },
    {
      id: 'brightness.auc_linear_x0.6',
      label: '  brightness AUC, original vs linear-light exposure x0.6',
      value: auc(original, darkerLinear),
      n: darkerLinear.length,
    },
    {
      id: 'brightness.plain_mean_luma_auc',
      label: '  reference: mean luma of the face box, same pairs',
      value: auc(plainOriginal, plainDarker),
      n: plainDarker.length,
      issueNow: 0.967,
    },
    {
      id: 'brightness.yaleB_lit_vs_dark_auc',
      label: '  Yale B frontal light vs dark (faces found)',
      value: auc(lit, dim),
      n: lit.length + dim.length,
    },
    {
      id: 'brightness.yaleB_found',
      label: '  Yale B faces found (lit and dark)',
      value: (lit.length + dim.length) / Math.max(1, yaleBTried),
      n: yaleBTried,
    },
  ];
}

// ---------------------------------------------------------------------------------- pose, mouth

/** True without a pool engine; with one, whether it finds the face of `truth` in `image`. */
async function poolFinds(ctx: SectionContext, image: RawImage, truth: Landmarks68): Promise<boolean> {
  if (ctx.poolBox === undefined) return true;
  return matchFace(await ctx.poolBox.analyze(image), truth, image.width, image.height) !== undefined;
}

export async function poseMouthSection(ctx: SectionContext): Promise<Row[]> {
  const gt = ctx.bases.filter((b) => b.truthSource === 'ground-truth' && b.clean !== undefined);
  const err = { yaw: [] as number[], pitch: [] as number[], roll: [] as number[] };
  for (const b of gt) {
    const truth = poseTruth(b.truth);
    const p = b.clean?.pose;
    if (truth === null || p === undefined) continue;
    err.yaw.push(Math.abs(p.yaw - truth.yaw));
    err.pitch.push(Math.abs(p.pitch - truth.pitch));
    err.roll.push(Math.abs(p.roll - truth.roll));
  }
  // Exact relative truth: rotating the photo by θ clockwise adds θ to roll; mirroring negates yaw and roll.
  const rollErr: number[] = [];
  const mirrorErr: number[] = [];
  let tilted = 0;
  let tiltedFound = 0;
  for (const [i, b] of gt.entries()) {
    const base = b.clean?.pose;
    if (base === undefined) continue;
    const theta = i % 2 === 0 ? 20 : -20;
    const rotated = await rotate(b.image, theta, [128, 128, 128]);
    const faces = await ctx.box.analyze(rotated);
    tilted++;
    const cx = rotated.width / 2;
    const cy = rotated.height / 2;
    const rad = (theta * Math.PI) / 180;
    const truthRot = b.truth.map((p) => {
      const dx = p.x - b.image.width / 2;
      const dy = p.y - b.image.height / 2;
      return {
        x: cx + dx * Math.cos(rad) - dy * Math.sin(rad),
        y: cy + dx * Math.sin(rad) + dy * Math.cos(rad),
      };
    });
    const r = matchFace(faces, truthRot, rotated.width, rotated.height);
    if (r !== undefined) tiltedFound++;
    if (r !== undefined && (await poolFinds(ctx, rotated, truthRot)))
      rollErr.push(Math.abs(r.pose.roll - base.roll - theta));
    const mirrored = mirror(b.image);
    const truthM = b.truth.map((p) => ({ x: b.image.width - 1 - p.x, y: p.y }));
    const m = await answer(ctx.box, mirrored, truthM);
    if (m !== undefined && (await poolFinds(ctx, mirrored, truthM)))
      mirrorErr.push((Math.abs(m.pose.yaw + base.yaw) + Math.abs(m.pose.roll + base.roll)) / 2);
  }
  const all = [...err.yaw, ...err.pitch, ...err.roll];
  // mouth_open (1 = closed) against the ground-truth inner-lip opening.
  const closed: number[] = [];
  const opening: number[] = [];
  for (const b of gt) {
    const f = b.clean;
    if (f === undefined) continue;
    closed.push(f.mouth_open);
    opening.push(-mouthOpeningTruth(b.truth));
  }
  const yale = ctx.bases.filter((b) => b.item.set === 'yale' && b.clean !== undefined);
  const surprised = yale
    .filter((b) => b.item.labels.condition === 'surprised')
    .map((b) => b.clean?.mouth_open ?? 0);
  const notOpen = yale
    .filter((b) =>
      ['normal', 'sad', 'sleepy', 'noglasses', 'glasses', 'centerlight'].includes(
        b.item.labels.condition ?? '',
      ),
    )
    .map((b) => b.clean?.mouth_open ?? 0);
  // headpose-coarse: signs only.
  let signsRight = 0;
  let signsTotal = 0;
  for (const item of ctx.items.filter((it) => it.set === 'headpose')) {
    const dir = item.labels.direction;
    if (dir === 'mid') continue;
    const f = (await ctx.box.analyze(await readDevImage(item.file)))[0];
    signsTotal++;
    if (f === undefined) continue;
    const ok =
      (dir === 'left' && f.pose.yaw < 0) ||
      (dir === 'right' && f.pose.yaw > 0) ||
      (dir === 'up' && f.pose.pitch > 0) ||
      (dir === 'down' && f.pose.pitch < 0);
    if (ok) signsRight++;
  }
  return [
    {
      id: 'pose.mae',
      label: 'pose MAE vs fit on ground-truth landmarks, degrees',
      value: mean(all),
      n: err.yaw.length,
      target: { op: '<=', value: 4 },
      issueNow: 5.9,
    },
    { id: 'pose.mae_yaw', label: '  yaw MAE', value: mean(err.yaw), n: err.yaw.length, issueNow: 6.7 },
    {
      id: 'pose.mae_pitch',
      label: '  pitch MAE',
      value: mean(err.pitch),
      n: err.pitch.length,
      issueNow: 5.7,
    },
    { id: 'pose.mae_roll', label: '  roll MAE', value: mean(err.roll), n: err.roll.length, issueNow: 5.1 },
    {
      id: 'pose.roll_rotation_error',
      label: '  |roll change - rotation| (photo rotated ±20°)',
      value: mean(rollErr),
      n: rollErr.length,
    },
    {
      id: 'pose.mirror_error',
      label: "  mirror asymmetry |yaw+yaw'|,|roll+roll'| mean",
      value: mean(mirrorErr),
      n: mirrorErr.length,
    },
    {
      id: 'pose.headpose_signs',
      label: '  headpose-coarse: share of signs right',
      value: signsRight / Math.max(1, signsTotal),
      n: signsTotal,
    },
    {
      id: 'detection.tilted_found',
      label: 'faces found in photos rotated ±20°',
      value: tiltedFound / Math.max(1, tilted),
      n: tilted,
    },
    {
      id: 'mouth.spearman_gt_gap',
      label: 'mouth_open Spearman with ground-truth inner-lip gap',
      value: spearman(closed, opening),
      n: closed.length,
      target: { op: '>=', value: 0.93 },
      issueNow: 0.883,
    },
    {
      id: 'mouth.yale_surprised_auc',
      label: '  Yale: surprised vs closed-mouth conditions AUC',
      value: auc(notOpen, surprised),
      n: surprised.length + notOpen.length,
    },
  ];
}

// ---------------------------------------------------------------------------------- integrity

/** The crop of a `w × h` image that removes everything on `side` of the cut at `cutPx`. */
function cropRect(
  side: Side,
  cutPx: number,
  w: number,
  h: number,
): { x: number; y: number; width: number; height: number } {
  const c = Math.max(1, Math.min(Math.round(cutPx), (side === 'left' || side === 'right' ? w : h) - 1));
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

function keptShare(hull: readonly Point[], side: Side, cutPx: number, w: number, h: number): number {
  const r = cropRect(side, cutPx, w, h);
  const moved = hull.map((p) => ({ x: p.x - r.x, y: p.y - r.y }));
  return polygonArea(clipToRect(moved, r.width, r.height)) / polygonArea(hull);
}

/** The cut (px along the side's axis) that keeps `share` of `hull`, by bisection. */
function cutFor(hull: readonly Point[], side: Side, share: number, w: number, h: number): number {
  const horizontal = side === 'left' || side === 'right';
  const coords = hull.map((p) => (horizontal ? p.x : p.y));
  let lo = Math.min(...coords);
  let hi = Math.max(...coords);
  const keepsLessAsCutGrows = side === 'left' || side === 'top';
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (keptShare(hull, side, mid, w, h) > share === keepsLessAsCutGrows) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export async function integritySection(ctx: SectionContext): Promise<Row[]> {
  const eligible = ctx.bases.filter(
    (b) =>
      b.clean !== undefined &&
      integrityTruth(b.truth, b.image.width, b.image.height) > 0.999 &&
      (b.truthSource === 'ground-truth' || b.item.set === 'faceapi' || (b.item.set === 'yale' && isClean(b))),
  );
  const masks = ctx.bases.filter((b) => b.item.set === 'masks' && b.item.labels.mask === 'no' && b.clean);
  const pool = [...eligible, ...subsample(masks, 5)];
  const byShare = new Map<number, { found: number; tried: number; errors: number[] }>();
  for (const [i, b] of pool.entries()) {
    const hull = convexHull(b.truth);
    for (const [k, keep] of [0.75, 0.5].entries()) {
      for (const j of [0, 2]) {
        const side = SIDES[(i + j + k) % 4] ?? 'left';
        const cut = cutFor(hull, side, keep, b.image.width, b.image.height);
        const r = cropRect(side, cut, b.image.width, b.image.height);
        const piece = crop(b.image, r);
        const moved = b.truth.map((p) => ({ x: p.x - r.x, y: p.y - r.y }));
        const truth = integrityTruth(moved, piece.width, piece.height);
        const f = await answer(ctx.box, piece, moved);
        const entry = byShare.get(keep) ?? { found: 0, tried: 0, errors: [] };
        entry.tried++;
        if (f !== undefined) {
          entry.found++;
          entry.errors.push(Math.abs(f.integrity - truth));
        }
        byShare.set(keep, entry);
      }
    }
    if ((i + 1) % 50 === 0) ctx.log(`  integrity: ${i + 1}/${pool.length} faces`);
  }
  const q = byShare.get(0.75) ?? { found: 0, tried: 0, errors: [] };
  const h = byShare.get(0.5) ?? { found: 0, tried: 0, errors: [] };
  return [
    {
      id: 'integrity.mae_cut_25_50',
      label: 'integrity MAE on crops cutting 25 % / 50 % of the face',
      value: mean([...q.errors, ...h.errors]),
      n: q.errors.length + h.errors.length,
      target: { op: '<=', value: 0.04 },
      issueNow: 0.06,
    },
    { id: 'integrity.mae_cut_25', label: '  cutting 25 %', value: mean(q.errors), n: q.errors.length },
    { id: 'integrity.mae_cut_50', label: '  cutting 50 %', value: mean(h.errors), n: h.errors.length },
    {
      id: 'detection.half_cut_found',
      label: 'faces found when half the face is cropped off',
      value: h.found / Math.max(1, h.tried),
      n: h.tried,
      target: { op: '>=', value: 0.9 },
      issueNow: 0.75,
    },
    {
      id: 'detection.quarter_cut_found',
      label: '  faces found when a quarter of the face is cropped off',
      value: q.found / Math.max(1, q.tried),
      n: q.tried,
    },
  ];
}

// ---------------------------------------------------------------------------------- detection

export async function detectionSection(ctx: SectionContext): Promise<Row[]> {
  const negatives = ctx.items.filter((it) => it.set === 'noface');
  let rejected = 0;
  let catRejected = Number.NaN;
  for (const item of negatives) {
    const faces = await ctx.box.analyze(await readDevImage(item.file));
    if (faces.length === 0) rejected++;
    if (item.key.endsWith('no-face-cat.png')) catRejected = faces.length === 0 ? 1 : 0;
  }
  // Photos with one face each: found = at least one face answered.
  const found = (
    set: DevItem['set'],
    test: (it: DevItem) => boolean = () => true,
  ): { v: number; n: number } => {
    const pool = ctx.items.filter((it) => it.set === set && test(it) && ctx.faceCounts.has(it.key));
    return { v: share(pool, (it) => (ctx.faceCounts.get(it.key) ?? 0) > 0), n: pool.length };
  };
  const masked = found('masks', (it) => it.labels.mask === 'yes');
  const bare = found('masks', (it) => it.labels.mask === 'no');
  const yale = found('yale');
  // AFW photos hold several people: found = the annotated face matched.
  const afwBases = ctx.bases.filter((b) => b.item.set === 'afw');
  const afw = { v: share(afwBases, (b) => b.clean !== undefined), n: afwBases.length };
  let groupFaces = 0;
  const groups = subsample(
    ctx.items.filter((it) => it.set === 'groups' && it.split === 'eval'),
    ctx.every,
  );
  let groupsWithFace = 0;
  for (const item of groups) {
    const n = (await ctx.box.analyze(await readDevImage(item.file))).length;
    groupFaces += n;
    if (n > 0) groupsWithFace++;
  }
  return [
    {
      id: 'detection.cat_4000',
      label: 'the cat fixture answers 4000 (1 = yes)',
      value: catRejected,
      n: 1,
      target: { op: '>=', value: 1 },
    },
    {
      id: 'detection.noface_4000',
      label: 'photos without a face answered 4000',
      value: rejected / Math.max(1, negatives.length),
      n: negatives.length,
    },
    { id: 'detection.masked_found', label: 'masked faces found (masks set)', value: masked.v, n: masked.n },
    { id: 'detection.unmasked_found', label: 'unmasked faces found (masks set)', value: bare.v, n: bare.n },
    { id: 'detection.afw_found', label: 'AFW annotated faces found', value: afw.v, n: afw.n },
    { id: 'detection.yale_found', label: 'Yale faces found', value: yale.v, n: yale.n },
    {
      id: 'detection.group_photos_with_face',
      label: 'group photos with >= 1 face',
      value: groupsWithFace / Math.max(1, groups.length),
      n: groups.length,
    },
    {
      id: 'detection.group_faces',
      label: '  faces answered in group photos (count)',
      value: groupFaces,
      n: groups.length,
    },
  ];
}
