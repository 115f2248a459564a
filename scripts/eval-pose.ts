/**
 * Pose and landmark evaluation on research data read at run time from ../shared (never copied
 * into the repo). Not a test: prints numbers.
 *
 * - headpose-coarse: sign conventions ("left" = the SUBJECT's left, so yaw < 0; "up" = chin up, pitch > 0).
 * - afw-68-landmarks: landmark NME of our detector+landmarker against the iBUG ground truth
 *   (normalised by the outer-eye-corner distance and by the GT box size), and pose on GT landmarks
 *   versus on predicted ones (yaw distribution, differences).
 *
 * Run: npx tsx scripts/eval-pose.ts [sharedDataDir]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveEngineConfig } from '../lambda/engine/config.js';
import type { Landmarks68 } from '../lambda/engine/landmarks.js';
import { pointBounds } from '../lambda/engine/landmarks.js';
import { fitPose } from '../lambda/engine/measures/pose.js';
import { loadModels } from '../lambda/engine/models/loader.js';
import { locateFaces } from '../lambda/engine/pipeline.js';
import { decodeImage } from '../test/helpers/engine.js';
import { readPts } from './dev-data.js';

const dataDir = process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'dev');
const config = resolveEngineConfig({ minDetectionScore: 0.3 });
const models = await loadModels(config);

const fmt = (v: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
const quantile = (values: readonly number[], q: number): number => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))] ?? Number.NaN;
};
const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const summary = (name: string, values: readonly number[], d = 1): string =>
  `${name}: n=${values.length} mean=${fmt(mean(values), d)} median=${fmt(quantile(values, 0.5), d)} p90=${fmt(quantile(values, 0.9), d)} max=${fmt(quantile(values, 1), d)}`;

// --- headpose-coarse: signs ---------------------------------------------------------------
const coarseDir = join(dataDir, 'headpose-coarse');
if (existsSync(coarseDir)) {
  console.log('== headpose-coarse (expected: left → yaw<0, right → yaw>0, up → pitch>0, down → pitch<0)');
  const rows = readFileSync(join(coarseDir, 'labels.csv'), 'utf8').trim().split('\n').slice(1);
  const byLabel = new Map<string, { yaw: number[]; pitch: number[]; roll: number[] }>();
  for (const row of rows) {
    const [file, label] = row.split(',');
    if (file === undefined || label === undefined) continue;
    const image = await decodeImage(join(coarseDir, file));
    const { faces } = await locateFaces(models, config, image);
    const face = faces[0];
    if (face === undefined) {
      console.log(`${file}: no face`);
      continue;
    }
    const { pose } = fitPose(face.landmarks);
    console.log(
      `${file.padEnd(18)} ${label.padEnd(6)} yaw=${fmt(pose.yaw)} pitch=${fmt(pose.pitch)} roll=${fmt(pose.roll)}`,
    );
    const acc = byLabel.get(label) ?? { yaw: [], pitch: [], roll: [] };
    acc.yaw.push(pose.yaw);
    acc.pitch.push(pose.pitch);
    acc.roll.push(pose.roll);
    byLabel.set(label, acc);
  }
  for (const [label, acc] of byLabel) {
    console.log(
      `  ${label.padEnd(6)} mean yaw=${fmt(mean(acc.yaw))} pitch=${fmt(mean(acc.pitch))} roll=${fmt(mean(acc.roll))}`,
    );
  }
}

// --- AFW: landmarks and pose --------------------------------------------------------------

function nme(pred: Landmarks68, gt: Landmarks68, norm: number): number {
  let sum = 0;
  gt.forEach((g, i) => {
    const p = pred[i];
    if (p !== undefined) sum += Math.hypot(p.x - g.x, p.y - g.y);
  });
  return sum / gt.length / norm;
}

const afwDir = join(dataDir, 'afw-68-landmarks');
if (existsSync(afwDir)) {
  console.log('\n== afw-68-landmarks');
  const files = readdirSync(afwDir).filter((f) => f.endsWith('.pts'));
  const nmeIod: number[] = [];
  const nmeBox: number[] = [];
  const yawGt: number[] = [];
  const dYaw: number[] = [];
  const dPitch: number[] = [];
  const dRoll: number[] = [];
  const rmsGt: number[] = [];
  let missed = 0;
  const images = new Map<string, Awaited<ReturnType<typeof locateFaces>>>();
  for (const file of files) {
    const gt = readPts(join(afwDir, file));
    if (gt.length !== 68) continue;
    const imageFile = file
      .replace(/_\d+\.pts$/, '')
      .concat('_', file.match(/_(\d+)\.pts$/)?.[1] ?? '1', '.jpg');
    const imagePath = join(afwDir, imageFile);
    if (!existsSync(imagePath)) continue;
    let located = images.get(imagePath);
    if (located === undefined) {
      located = await locateFaces(models, config, await decodeImage(imagePath));
      images.set(imagePath, located);
    }
    const fitGt = fitPose(gt);
    yawGt.push(fitGt.pose.yaw);
    rmsGt.push(fitGt.rmsErrorPx / fitGt.scalePxPerMm);
    // Match: the detection whose box centre lies in the GT landmark bounds, closest to its centre.
    const { minX, minY, maxX, maxY } = pointBounds(gt);
    const b = { x0: minX, y0: minY, x1: maxX, y1: maxY };
    const cx = (b.x0 + b.x1) / 2;
    const cy = (b.y0 + b.y1) / 2;
    const match = located.faces
      .filter((f) => {
        const fx = f.box.x + f.box.width / 2;
        const fy = f.box.y + f.box.height / 2;
        return fx >= b.x0 && fx <= b.x1 && fy >= b.y0 && fy <= b.y1;
      })
      .sort(
        (p, q) =>
          Math.hypot(p.box.x + p.box.width / 2 - cx, p.box.y + p.box.height / 2 - cy) -
          Math.hypot(q.box.x + q.box.width / 2 - cx, q.box.y + q.box.height / 2 - cy),
      )[0];
    if (match === undefined) {
      missed++;
      console.log(`${file}: not detected (GT yaw ${fmt(fitGt.pose.yaw)})`);
      continue;
    }
    const iod = Math.hypot((gt[45]?.x ?? 0) - (gt[36]?.x ?? 0), (gt[45]?.y ?? 0) - (gt[36]?.y ?? 0));
    nmeIod.push(nme(match.landmarks, gt, iod));
    nmeBox.push(nme(match.landmarks, gt, Math.sqrt((b.x1 - b.x0) * (b.y1 - b.y0))));
    const fitPred = fitPose(match.landmarks);
    dYaw.push(fitPred.pose.yaw - fitGt.pose.yaw);
    dPitch.push(fitPred.pose.pitch - fitGt.pose.pitch);
    dRoll.push(fitPred.pose.roll - fitGt.pose.roll);
  }
  console.log(`faces: ${yawGt.length}, not detected: ${missed}`);
  console.log(
    summary(
      'NME / outer-eye-corner distance (%)',
      nmeIod.map((v) => v * 100),
      2,
    ),
  );
  console.log(
    summary(
      'NME / sqrt(GT box area) (%)',
      nmeBox.map((v) => v * 100),
      2,
    ),
  );
  console.log(summary('|yaw| on GT landmarks (deg)', yawGt.map(Math.abs)));
  const bins = [0, 15, 30, 45, 60, 75, 90];
  console.log(
    'yaw histogram (GT landmarks):',
    bins
      .slice(0, -1)
      .map(
        (lo, i) =>
          `[${lo},${bins[i + 1]}): ${yawGt.filter((y) => Math.abs(y) >= lo && Math.abs(y) < (bins[i + 1] ?? 91)).length}`,
      )
      .join('  '),
  );
  console.log(
    `yaw sign: ${yawGt.filter((y) => y > 0).length} positive, ${yawGt.filter((y) => y < 0).length} negative`,
  );
  console.log(summary('|yaw(pred) − yaw(GT)| (deg)', dYaw.map(Math.abs)));
  console.log(summary('|pitch(pred) − pitch(GT)| (deg)', dPitch.map(Math.abs)));
  console.log(summary('|roll(pred) − roll(GT)| (deg)', dRoll.map(Math.abs)));
  console.log(summary('mean-face fit RMS on GT landmarks (mm)', rmsGt));
}
models.dispose();
