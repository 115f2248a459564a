/**
 * `npm run calibrate`: the brightness anchor and its evidence, from the TRAIN split of
 * `../shared/data/dev` (the evaluation split is never read). For each unperturbed clean face (truth
 * landmarks: ground truth, else the cached reference landmarks) it computes the exposure estimate
 * of `measures/brightness.ts` and the mean skin luma, on the photo and on the photo with pixel
 * values × 0.6, and prints the median exposure (the `BRIGHTNESS_TYPICAL_LUMA` anchor) and the
 * pooled AUC of each statistic. Only aggregate numbers are printed.
 *
 *   npm run calibrate -- [--data DIR]
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { faceExposureLuma } from '../lambda/engine/measures/brightness.js';
import { faceFrame } from '../lambda/engine/measures/pixels/face-frame.js';
import { LUMA_B, LUMA_G, LUMA_R } from '../lambda/engine/measures/pixels/luma.js';
import { forEachPolygonSpan } from '../lambda/engine/measures/pixels/polygon.js';
import { skinPolygons } from '../lambda/engine/measures/pixels/skin-regions.js';
import type { Point, RawImage } from '../lambda/engine/types.js';
import { scaleBrightness } from '../test/helpers/engine.js';
import { disposeReferenceModels, saveReferenceCache, truthFace } from './eval/bases.js';
import { listDevItems } from './eval/data.js';
import { auc, quantile } from './eval/metrics.js';
import { poseTruth } from './eval/truth.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { data: { type: 'string', default: resolve(REPO_ROOT, '..', 'shared', 'data', 'dev') } },
});
const SIDE_LIT = new Set(['leftlight', 'rightlight']);
const items = listDevItems(resolve(args.data), join(REPO_ROOT, 'test', 'fixtures')).filter(
  (it) =>
    it.split === 'train' &&
    ['afw', 'menpo', 'masks', 'yale', 'faceapi'].includes(it.set) &&
    (it.set !== 'faceapi' || /examples\/images\//.test(it.file)) &&
    !(it.set === 'masks' && it.labels.mask !== 'no') &&
    !(it.set === 'yale' && SIDE_LIT.has(it.labels.condition ?? '')),
);

function skinMean(image: RawImage, lm: Point[]): number {
  let sum = 0;
  let n = 0;
  for (const poly of skinPolygons(lm, faceFrame(lm))) {
    forEachPolygonSpan(poly, image.width, image.height, (y, x0, x1) => {
      for (let x = x0; x < x1; x++) {
        const o = (y * image.width + x) * 3;
        sum +=
          LUMA_R * (image.data[o] ?? 0) +
          LUMA_G * (image.data[o + 1] ?? 0) +
          LUMA_B * (image.data[o + 2] ?? 0);
        n++;
      }
    });
  }
  return n === 0 ? Number.NaN : sum / n;
}

const exposure = { original: [] as number[], darker: [] as number[] };
const skin = { original: [] as number[], darker: [] as number[] };
const box = { x: 0, y: 0, width: 1, height: 1 };
for (const item of items) {
  const { image, truth } = await truthFace(item);
  if (truth === null) continue;
  const lm = [...truth];
  if (['afw', 'menpo', 'faceapi'].includes(item.set) && !(Math.abs(poseTruth(lm)?.yaw ?? 90) <= 45)) continue;
  const dark = scaleBrightness(image, 0.6);
  const e0 = faceExposureLuma({ image, landmarks: lm, box });
  const e1 = faceExposureLuma({ image: dark, landmarks: lm, box });
  if (!Number.isFinite(e0) || !Number.isFinite(e1)) continue;
  exposure.original.push(e0);
  exposure.darker.push(e1);
  skin.original.push(skinMean(image, lm));
  skin.darker.push(skinMean(dark, lm));
}
saveReferenceCache();
disposeReferenceModels();
console.log(`${exposure.original.length} clean faces of the train split`);
console.log(
  `exposure estimate: median ${quantile(exposure.original, 0.5).toFixed(1)} (p5 ${quantile(exposure.original, 0.05).toFixed(1)}, p95 ${quantile(exposure.original, 0.95).toFixed(1)}); AUC original vs x0.6 ${auc(exposure.original, exposure.darker).toFixed(4)}`,
);
console.log(`mean skin luma: AUC original vs x0.6 ${auc(skin.original, skin.darker).toFixed(4)}`);
