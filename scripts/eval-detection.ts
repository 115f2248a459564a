/**
 * Detection evaluation on research data read at run time from ../shared (never copied into the
 * repo). Not a test: prints numbers.
 *
 * - False positives: photos without a human face (dev/no-face, the no-face fixtures, the blank
 *   and landscape negatives inside the human sets): images with ≥ 1 face and faces returned.
 * - Recall on human sets: images with ≥ 1 face over images; for AFW the annotated faces matched
 *   (a returned box whose centre lies inside the ground-truth landmark bounds); for face-api's
 *   `faces.jpg` and the face_recognition photos with a known count, faces returned / expected.
 *
 * Run: npx tsx scripts/eval-detection.ts [sharedDataDir] [--every N] [--sets a,b]
 * (N: use every N-th image of masks-with-without, default 1 = all 1200; --sets: only these human
 * sets, by name prefix). Prints up to 10 missed images per set.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { resolveEngineConfig } from '../lambda/engine/config.js';
import { loadModels } from '../lambda/engine/models/loader.js';
import type { LocatedFace } from '../lambda/engine/pipeline.js';
import { locateFaces } from '../lambda/engine/pipeline.js';
import type { Point } from '../lambda/engine/types.js';
import { decodeImage, fixturePath } from '../test/helpers/engine.js';
import { readPts } from './dev-data.js';

const args = process.argv.slice(2);
const optionValue = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const every = Number(optionValue('--every') ?? 1);
const onlySets = optionValue('--sets')?.split(',');
const positional = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const dataDir = positional[0] ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'dev');
const config = resolveEngineConfig();
const models = await loadModels(config);

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (/\.(jpe?g|png|webp|bmp|gif)$/i.test(name)) out.push(path);
  }
  return out.sort();
}

/** Photos without a human face inside the human sets. */
const NEGATIVES_IN_HUMAN_SETS = /(^|\/)(background\.jpg|white\.png)$/;

const negatives = [
  ...(['no-face-cat.png', 'no-face-coffee.png', 'no-face-rocket.jpg'] as const).map((name) =>
    fixturePath(name),
  ),
  ...walk(join(dataDir, 'no-face')),
  ...walk(dataDir).filter((f) => NEGATIVES_IN_HUMAN_SETS.test(f)),
];
const humanSets: Record<string, string[]> = {
  'group-photos': walk(join(dataDir, 'group-photos')),
  'faceapi-samples': walk(join(dataDir, 'faceapi-samples')),
  'masks-with-without/with_mask': walk(join(dataDir, 'masks-with-without', 'with_mask')).filter(
    (_, i) => i % every === 0,
  ),
  'masks-with-without/without_mask': walk(join(dataDir, 'masks-with-without', 'without_mask')).filter(
    (_, i) => i % every === 0,
  ),
  'afw-68-landmarks': walk(join(dataDir, 'afw-68-landmarks')),
  'yale-conditions': walk(join(dataDir, 'yale-conditions', 'png')),
};

/** Known face counts: face-api's test group photo and face_recognition's asserted counts. */
function expectedFaces(): Map<string, number> {
  const known = new Map<string, number>([['faces.jpg', 6]]);
  const path = join(dataDir, 'group-photos', 'face_recognition_expected.json');
  if (existsSync(path)) {
    const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof json === 'object' && json !== null) {
      for (const [file, value] of Object.entries(json)) {
        const n =
          typeof value === 'object' && value !== null
            ? (value as { num_faces?: unknown }).num_faces
            : undefined;
        if (typeof n === 'number') known.set(file, n);
      }
    }
  }
  return known;
}
const known = expectedFaces();

/** Annotated AFW faces of `image` (one `.pts` per face, `<id>_<n>.pts` next to `<id>_<n>.jpg`). */
function afwAnnotations(imagePath: string): Point[][] {
  const dir = join(imagePath, '..');
  const id = basename(imagePath).replace(/_\d+\.jpg$/, '');
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${id}_`) && f.endsWith('.pts'))
    .map((f) => readPts(join(dir, f)))
    .filter((p) => p.length === 68);
}

const covers = (face: LocatedFace, gt: readonly Point[]): boolean => {
  const cx = face.box.x + face.box.width / 2;
  const cy = face.box.y + face.box.height / 2;
  const xs = gt.map((p) => p.x);
  const ys = gt.map((p) => p.y);
  return cx >= Math.min(...xs) && cx <= Math.max(...xs) && cy >= Math.min(...ys) && cy <= Math.max(...ys);
};

async function facesOf(path: string): Promise<readonly LocatedFace[] | undefined> {
  try {
    return (await locateFaces(models, config, await decodeImage(path))).faces;
  } catch (e) {
    console.log(`${relative(dataDir, path)}: cannot decode (${e instanceof Error ? e.message : e})`);
    return undefined;
  }
}

const pct = (a: number, b: number): string => `${a}/${b} (${b === 0 ? 'n/a' : ((100 * a) / b).toFixed(1)}%)`;

console.log(`minDetectionScore=${config.minDetectionScore}`);
let fpImages = 0;
let fpFaces = 0;
let negativeCount = 0;
for (const path of negatives) {
  const faces = await facesOf(path);
  if (faces === undefined) continue;
  negativeCount++;
  if (faces.length > 0) {
    fpImages++;
    fpFaces += faces.length;
    console.log(
      `  false positive: ${basename(path)} scores ${faces.map((f) => f.score.toFixed(3)).join(', ')}`,
    );
  }
}
console.log(`no-face images: ${negativeCount}, with a face: ${fpImages}, faces: ${fpFaces}`);

for (const [name, files] of Object.entries(humanSets)) {
  if (onlySets !== undefined && !onlySets.some((prefix) => name.startsWith(prefix))) continue;
  const missed: string[] = [];
  let images = 0;
  let withFace = 0;
  let expected = 0;
  let foundOfExpected = 0;
  let afwFaces = 0;
  let afwMatched = 0;
  for (const path of files) {
    if (NEGATIVES_IN_HUMAN_SETS.test(path)) continue;
    const faces = await facesOf(path);
    if (faces === undefined) continue;
    images++;
    if (faces.length > 0) withFace++;
    else missed.push(relative(join(dataDir, name), path));
    const n = known.get(basename(path));
    if (n !== undefined) {
      expected += n;
      foundOfExpected += Math.min(n, faces.length);
    }
    if (name === 'afw-68-landmarks') {
      for (const gt of afwAnnotations(path)) {
        afwFaces++;
        if (faces.some((f) => covers(f, gt))) afwMatched++;
      }
    }
  }
  const extra = [
    expected > 0 ? `known-count faces found ${pct(foundOfExpected, expected)}` : '',
    afwFaces > 0 ? `annotated faces matched ${pct(afwMatched, afwFaces)}` : '',
  ]
    .filter((s) => s !== '')
    .join(', ');
  console.log(`${name}: images with ≥1 face ${pct(withFace, images)}${extra === '' ? '' : `; ${extra}`}`);
  if (missed.length > 0)
    console.log(`  missed: ${missed.slice(0, 10).join(' ')}${missed.length > 10 ? ' …' : ''}`);
}
models.dispose();
