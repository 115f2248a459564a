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
import { faceExposureLuma, skinMeanLuma } from '../lambda/engine/measures/brightness.js';
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
  skin.original.push(skinMeanLuma({ image, landmarks: lm, box }));
  skin.darker.push(skinMeanLuma({ image: dark, landmarks: lm, box }));
}
saveReferenceCache();
disposeReferenceModels();
console.log(`${exposure.original.length} clean faces of the train split`);
console.log(
  `exposure estimate: median ${quantile(exposure.original, 0.5).toFixed(1)} (p5 ${quantile(exposure.original, 0.05).toFixed(1)}, p95 ${quantile(exposure.original, 0.95).toFixed(1)}); AUC original vs x0.6 ${auc(exposure.original, exposure.darker).toFixed(4)}`,
);
console.log(`mean skin luma: AUC original vs x0.6 ${auc(skin.original, skin.darker).toFixed(4)}`);
