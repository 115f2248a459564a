/**
 * Do the measures read the same values from a face region decoded at reduced scale as from the
 * full-resolution photo? Runs the engine twice on the same files through the production intake
 * (`openImage`): once with every region at full resolution, once with the default
 * `regionMinIodPx`, and prints per field the mean and largest absolute difference over the faces
 * both runs found. `--upscale K` first enlarges each photo K× and re-encodes it as JPEG (quality
 * 90), to stand in for large phone photos. Research photos are read in place from ../shared.
 *
 * Run: npx tsx scripts/eval-regions.ts [--upscale K] [--limit N] [--iod PX] [sharedDataDir]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { DEFAULT_LIMITS } from '../lambda/config.js';
import { createEngine } from '../lambda/engine/index.js';
import type { FaceQuality } from '../lambda/engine/types.js';
import { openImage } from '../lambda/image/decode.js';

const { values: args, positionals } = parseArgs({
  options: {
    upscale: { type: 'string', default: '1' },
    limit: { type: 'string', default: '40' },
    iod: { type: 'string' },
  },
  allowPositionals: true,
});
const dataDir = positionals[0] ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'dev');
const upscale = Number(args.upscale);
const limits = { ...DEFAULT_LIMITS, maxImageBytes: Number.MAX_SAFE_INTEGER };
const afw = join(dataDir, 'afw-68-landmarks');
const files = readdirSync(afw)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .slice(0, Number(args.limit))
  .map((f) => join(afw, f));

const full = await createEngine({ regionMinIodPx: 1e9 });
const regional = await createEngine(args.iod === undefined ? {} : { regionMinIodPx: Number(args.iod) });

const fields: Record<string, (f: FaceQuality) => number> = {
  yaw: (f) => f.pose.yaw,
  pitch: (f) => f.pose.pitch,
  roll: (f) => f.pose.roll,
  left_eye: (f) => f.occlusion.left_eye,
  right_eye: (f) => f.occlusion.right_eye,
  nose: (f) => f.occlusion.nose,
  mouth: (f) => f.occlusion.mouth,
  total: (f) => f.occlusion.total,
  distance2center: (f) => f.distance2center,
  size: (f) => f.size,
  brightness: (f) => f.brightness,
  sharpness: (f) => f.sharpness,
  mouth_open: (f) => f.mouth_open,
  integrity: (f) => f.integrity,
};
const diffs: Record<string, number[]> = Object.fromEntries(Object.keys(fields).map((k) => [k, []]));
let pairs = 0;
for (const file of files) {
  let bytes: Buffer = readFileSync(file);
  if (upscale !== 1) {
    const meta = await sharp(bytes).metadata();
    bytes = await sharp(bytes)
      .resize(Math.round((meta.width ?? 1) * upscale))
      .jpeg({ quality: 90 })
      .toBuffer();
  }
  const [a, b] = [
    await full.analyze((await openImage(bytes, limits)).source),
    await regional.analyze((await openImage(bytes, limits)).source),
  ];
  for (const fa of a.faces) {
    const fb = b.faces.find(
      (f) => Math.abs(f.rect.left - fa.rect.left) + Math.abs(f.rect.top - fa.rect.top) < 4 * upscale,
    );
    if (fb === undefined) continue;
    pairs++;
    for (const [k, get] of Object.entries(fields)) diffs[k]?.push(Math.abs(get(fa) - get(fb)));
  }
}
console.log(`${files.length} photos ×${upscale}, ${pairs} faces in both runs; |full − region| per field:`);
for (const [k, d] of Object.entries(diffs)) {
  const mean = d.reduce((s, v) => s + v, 0) / Math.max(1, d.length);
  console.log(`  ${k.padEnd(16)} mean ${mean.toFixed(4)}  max ${Math.max(0, ...d).toFixed(4)}`);
}
full.dispose();
regional.dispose();
