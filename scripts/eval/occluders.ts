/**
 * Occluders with pixel truth. Each occluder is a shape (a pixel mask) and a fill; the visible share
 * of every part follows from the mask (`truth.ts`). Kinds:
 * - `skin`: the face's own skin colour (median of its cheeks, nose and forehead) with shading and
 *   noise: what a colour-based judge cannot tell from skin;
 * - `dark`: near-black (sunglasses, dark cloth, shadow-like);
 * - `texture`: a patch of a real photo without faces (cat fur, coffee, a rocket, buildings, fruit);
 * - `object`: an irregular cut-out of such a photo (a real object's outline);
 * - `hand`: a palm-and-fingers outline filled with real skin texture taken from ANOTHER face,
 *   recoloured to this face's skin tone (a hand is the same person's skin);
 * - `mask`: a face mask drawn from the landmarks (jaw line up to the nose bridge), in a plain or
 *   striped colour with shading.
 */
import type { Landmarks68 } from '../../lambda/engine/landmarks.js';
import { centroid, pointBounds, regionPoints } from '../../lambda/engine/landmarks.js';
import { faceFrame, pick } from '../../lambda/engine/measures/pixels/face-frame.js';
import { forEachPolygonSpan } from '../../lambda/engine/measures/pixels/polygon.js';
import { skinPolygons } from '../../lambda/engine/measures/pixels/skin-regions.js';
import type { Point, RawImage } from '../../lambda/engine/types.js';
import { type Fill, paint } from './perturb.js';
import { type PartName, partPolygon } from './truth.js';

export const OCCLUDER_KINDS = ['skin', 'dark', 'texture', 'object', 'hand'] as const;
export type OccluderKind = (typeof OCCLUDER_KINDS)[number] | 'mask';

/** What an occluder needs besides the face: texture photos and another face's skin. */
export interface OccluderSources {
  /** Photos without faces, for `texture` and `object`. */
  readonly textures: readonly RawImage[];
  /** Skin patches (RGB, square) cut from other faces, for `hand`. */
  readonly skinPatches: readonly RawImage[];
}

export interface Occluded {
  readonly image: RawImage;
  /** 1 byte per pixel, 1 = covered by the occluder. */
  readonly mask: Uint8Array;
}

type Rand = () => number;

function rasterise(polygon: readonly Point[], width: number, height: number, mask: Uint8Array): void {
  forEachPolygonSpan(polygon, width, height, (y, x0, x1) => {
    mask.fill(1, y * width + x0, y * width + x1);
  });
}

/** Ellipse with semi-axes `rx`, `ry` rotated by `angle` rad around `c`, as a 48-gon. */
function ellipse(c: Point, rx: number, ry: number, angle = 0): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < 48; i++) {
    const t = (2 * Math.PI * i) / 48;
    const x = rx * Math.cos(t);
    const y = ry * Math.sin(t);
    out.push({
      x: c.x + x * Math.cos(angle) - y * Math.sin(angle),
      y: c.y + x * Math.sin(angle) + y * Math.cos(angle),
    });
  }
  return out;
}

/** A random star-shaped blob of mean radius `r` around `c`. */
function blob(c: Point, r: number, rand: Rand): Point[] {
  const harmonics = [1, 2, 3, 5].map((k) => ({ k, a: (rand() - 0.5) * 0.35, p: rand() * 2 * Math.PI }));
  const out: Point[] = [];
  for (let i = 0; i < 64; i++) {
    const t = (2 * Math.PI * i) / 64;
    let rr = 1;
    for (const h of harmonics) rr += h.a * Math.cos(h.k * t + h.p);
    out.push({ x: c.x + r * rr * Math.cos(t), y: c.y + r * rr * Math.sin(t) });
  }
  return out;
}

/** A hand: palm ellipse plus four fingers, pointing along `angle`, palm radius `r`. */
function handPolygons(c: Point, r: number, angle: number): Point[][] {
  const dir = { x: Math.cos(angle), y: Math.sin(angle) };
  const side = { x: -dir.y, y: dir.x };
  const polys = [ellipse(c, r * 1.05, r * 0.9, angle)];
  for (let f = 0; f < 4; f++) {
    const offset = (f - 1.5) * 0.45 * r;
    const length = r * (1.1 + 0.25 * (f === 1 || f === 2 ? 1 : 0));
    const base = { x: c.x + dir.x * 0.6 * r + side.x * offset, y: c.y + dir.y * 0.6 * r + side.y * offset };
    const tip = { x: base.x + dir.x * length, y: base.y + dir.y * length };
    const w = 0.2 * r;
    polys.push([
      { x: base.x - side.x * w, y: base.y - side.y * w },
      { x: tip.x - side.x * w, y: tip.y - side.y * w },
      { x: tip.x + side.x * w, y: tip.y + side.y * w },
      { x: base.x + side.x * w, y: base.y + side.y * w },
    ]);
  }
  return polys;
}

/** Median RGB of the face's skin polygons. */
export function skinColour(image: RawImage, landmarks: Landmarks68): [number, number, number] {
  const frame = faceFrame(landmarks);
  const channels: number[][] = [[], [], []];
  for (const polygon of skinPolygons(landmarks, frame)) {
    forEachPolygonSpan(polygon, image.width, image.height, (y, x0, x1) => {
      for (let x = x0; x < x1; x++) {
        const o = (y * image.width + x) * 3;
        for (let c = 0; c < 3; c++) channels[c]?.push(image.data[o + c] ?? 0);
      }
    });
  }
  const med = (v: number[]): number => {
    if (v.length === 0) return 128;
    v.sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)] ?? 128;
  };
  return [med(channels[0] ?? []), med(channels[1] ?? []), med(channels[2] ?? [])];
}

/** Gaussian-ish noise from a uniform generator (sum of 3). */
function noise(rand: Rand, sigma: number): number {
  return (rand() + rand() + rand() - 1.5) * 2 * sigma;
}

/** A smooth shading gradient across the occluder: factor in [1 - amount, 1 + amount]. */
function shading(c: Point, size: number, rand: Rand, amount: number): (x: number, y: number) => number {
  const a = rand() * 2 * Math.PI;
  return (x, y) =>
    1 + amount * Math.max(-1, Math.min(1, ((x - c.x) * Math.cos(a) + (y - c.y) * Math.sin(a)) / size));
}

/** Samples `source` (tiled, mirrored) at a random offset and scale, so `(x, y)` maps into it. */
function textureFill(source: RawImage, c: Point, size: number, rand: Rand): Fill {
  const scale = ((0.5 + rand()) * Math.min(source.width, source.height)) / Math.max(8, 2 * size);
  const ox = rand() * source.width;
  const oy = rand() * source.height;
  const at = (v: number, n: number): number => {
    const m = ((Math.floor(v) % (2 * n)) + 2 * n) % (2 * n);
    return m < n ? m : 2 * n - 1 - m;
  };
  return (x, y) => {
    const sx = at(ox + (x - c.x) * scale, source.width);
    const sy = at(oy + (y - c.y) * scale, source.height);
    const o = (sy * source.width + sx) * 3;
    return [source.data[o] ?? 0, source.data[o + 1] ?? 0, source.data[o + 2] ?? 0];
  };
}

/** A fill of the given kind centred at `c` over a span of about `size` px. */
function fillFor(
  kind: OccluderKind,
  face: { image: RawImage; landmarks: Landmarks68 },
  c: Point,
  size: number,
  sources: OccluderSources,
  rand: Rand,
): Fill {
  switch (kind) {
    case 'skin': {
      const base = skinColour(face.image, face.landmarks).map((v) => v * (0.94 + 0.12 * rand()));
      const shade = shading(c, size, rand, 0.08);
      return (x, y) => {
        const s = shade(x, y);
        return [
          (base[0] ?? 0) * s + noise(rand, 2),
          (base[1] ?? 0) * s + noise(rand, 2),
          (base[2] ?? 0) * s + noise(rand, 2),
        ];
      };
    }
    case 'dark': {
      const level = 12 + 45 * rand();
      const tint = [noise(rand, 4), noise(rand, 4), noise(rand, 4)];
      return () => [
        level + (tint[0] ?? 0) + noise(rand, 3),
        level + (tint[1] ?? 0) + noise(rand, 3),
        level + (tint[2] ?? 0) + noise(rand, 3),
      ];
    }
    case 'texture':
    case 'object': {
      const source = sources.textures[Math.floor(rand() * sources.textures.length)];
      if (source === undefined) return () => [90, 90, 90];
      return textureFill(source, c, size, rand);
    }
    case 'hand': {
      const patch = sources.skinPatches[Math.floor(rand() * sources.skinPatches.length)];
      const target = skinColour(face.image, face.landmarks);
      if (patch === undefined) return () => target;
      // Recolour the other face's skin texture to this face's tone: keep its detail, move its mean.
      const mean = [0, 0, 0];
      for (let i = 0; i < patch.width * patch.height; i++)
        for (let k = 0; k < 3; k++) mean[k] = (mean[k] ?? 0) + (patch.data[i * 3 + k] ?? 0);
      const n = Math.max(1, patch.width * patch.height);
      const gain = mean.map((m, k) => (target[k] ?? 128) / Math.max(1, m / n));
      const fill = textureFill(patch, c, size * 0.5, rand);
      const shade = shading(c, size, rand, 0.1);
      return (x, y) => {
        const [r, g, b] = fill(x, y);
        const s = shade(x, y);
        return [r * (gain[0] ?? 1) * s, g * (gain[1] ?? 1) * s, b * (gain[2] ?? 1) * s];
      };
    }
    case 'mask': {
      const palette: [number, number, number][] = [
        [235, 235, 232],
        [160, 196, 226],
        [30, 30, 34],
        [120, 122, 128],
        [222, 178, 180],
        [70, 90, 150],
      ];
      const colour = palette[Math.floor(rand() * palette.length)] ?? [235, 235, 232];
      const striped = rand() < 0.25;
      const shade = shading(c, size, rand, 0.15);
      const period = Math.max(3, size / 6);
      return (x, y) => {
        const s = shade(x, y) * (striped && Math.floor(y / period) % 2 === 0 ? 0.75 : 1);
        return [
          colour[0] * s + noise(rand, 2),
          colour[1] * s + noise(rand, 2),
          colour[2] * s + noise(rand, 2),
        ];
      };
    }
  }
}

/** Shape polygons covering a region with bounds centre `c` and half-extent `r`, by kind. */
function shapeFor(kind: OccluderKind, c: Point, r: number, rand: Rand): Point[][] {
  switch (kind) {
    case 'object':
      return [blob(c, r * 1.25, rand)];
    case 'hand':
      return handPolygons(
        { x: c.x + (rand() - 0.5) * 0.2 * r, y: c.y + (rand() - 0.5) * 0.2 * r },
        r * 1.05,
        rand() * 2 * Math.PI,
      );
    case 'texture':
      return rand() < 0.5
        ? [ellipse(c, r * 1.25, r * 1.25)]
        : [
            [
              { x: c.x - r * 1.1, y: c.y - r * 1.1 },
              { x: c.x + r * 1.1, y: c.y - r * 1.1 },
              { x: c.x + r * 1.1, y: c.y + r * 1.1 },
              { x: c.x - r * 1.1, y: c.y + r * 1.1 },
            ],
          ];
    default:
      return [ellipse(c, r * 1.3, r * 1.15, (rand() - 0.5) * 0.4)];
  }
}

function apply(image: RawImage, polygons: readonly Point[][], fill: Fill): Occluded {
  const mask = new Uint8Array(image.width * image.height);
  for (const p of polygons) rasterise(p, image.width, image.height, mask);
  return { image: paint(image, mask, fill), mask };
}

/**
 * Covers one whole part with an occluder of `kind`: the shape is centred on the part and reaches
 * at least 15 % past its region on every side.
 */
export function coverPart(
  face: { image: RawImage; landmarks: Landmarks68 },
  part: PartName,
  kind: Exclude<OccluderKind, 'mask'>,
  sources: OccluderSources,
  rand: Rand,
): Occluded {
  const region = partPolygon(face.landmarks, part);
  const b = pointBounds(region);
  const c = { x: (b.minX + b.maxX) / 2, y: (b.minY + b.maxY) / 2 };
  const r = 0.5 * Math.hypot(b.maxX - b.minX, b.maxY - b.minY) * 1.05;
  return apply(face.image, shapeFor(kind, c, r, rand), fillFor(kind, face, c, r, sources, rand));
}

export type Side = 'left' | 'right' | 'top' | 'bottom';

/**
 * Covers part of a part: a shape entering from `side` that covers the share `fraction` of the
 * part's extent along that axis (half an eye, half the mouth...). The visible truth follows from
 * the mask, not from `fraction`.
 */
export function coverPartially(
  face: { image: RawImage; landmarks: Landmarks68 },
  part: PartName,
  side: Side,
  fraction: number,
  kind: Exclude<OccluderKind, 'mask'>,
  sources: OccluderSources,
  rand: Rand,
): Occluded {
  const b = pointBounds(partPolygon(face.landmarks, part));
  const iod = faceFrame(face.landmarks).interOcularPx;
  const far = 0.6 * iod;
  const w = b.maxX - b.minX;
  const h = b.maxY - b.minY;
  // An axis-aligned slab from well outside the part up to the cut line, a little taller/wider than the part.
  let rect: { x0: number; y0: number; x1: number; y1: number };
  switch (side) {
    case 'left':
      rect = { x0: b.minX - far, x1: b.minX + fraction * w, y0: b.minY - 0.3 * h, y1: b.maxY + 0.3 * h };
      break;
    case 'right':
      rect = { x0: b.maxX - fraction * w, x1: b.maxX + far, y0: b.minY - 0.3 * h, y1: b.maxY + 0.3 * h };
      break;
    case 'top':
      rect = { x0: b.minX - 0.3 * w, x1: b.maxX + 0.3 * w, y0: b.minY - far, y1: b.minY + fraction * h };
      break;
    case 'bottom':
      rect = { x0: b.minX - 0.3 * w, x1: b.maxX + 0.3 * w, y0: b.maxY - fraction * h, y1: b.maxY + far };
      break;
  }
  const polygon = [
    { x: rect.x0, y: rect.y0 },
    { x: rect.x1, y: rect.y0 },
    { x: rect.x1, y: rect.y1 },
    { x: rect.x0, y: rect.y1 },
  ];
  const c = { x: (rect.x0 + rect.x1) / 2, y: (rect.y0 + rect.y1) / 2 };
  const size = Math.max(rect.x1 - rect.x0, rect.y1 - rect.y0) / 2;
  return apply(face.image, [polygon], fillFor(kind, face, c, size, sources, rand));
}

/**
 * A face mask: the lower face from the jaw line (points 2-14) up to the nose bridge (between
 * points 28 and 29), as surgical and cloth masks sit.
 */
export function drawMask(
  face: { image: RawImage; landmarks: Landmarks68 },
  sources: OccluderSources,
  rand: Rand,
): Occluded {
  const lm = face.landmarks;
  const jaw = regionPoints(lm, 'jaw').slice(1, 16);
  const [p28, p29] = pick(lm, [28, 29]);
  const bridge =
    p28 !== undefined && p29 !== undefined
      ? { x: (p28.x + p29.x) / 2, y: (p28.y + p29.y) / 2 }
      : centroid(jaw);
  const first = jaw[0];
  const last = jaw[jaw.length - 1];
  const polygon = [...jaw];
  if (first !== undefined && last !== undefined) {
    // Upper edge: from the jaw's ends up to the bridge, sagging a little over the cheeks.
    polygon.push({
      x: (last.x + bridge.x) / 2,
      y: Math.min(last.y, bridge.y) + 0.1 * Math.abs(last.x - bridge.x),
    });
    polygon.push(bridge);
    polygon.push({
      x: (first.x + bridge.x) / 2,
      y: Math.min(first.y, bridge.y) + 0.1 * Math.abs(first.x - bridge.x),
    });
  }
  const b = pointBounds(polygon);
  const c = { x: (b.minX + b.maxX) / 2, y: (b.minY + b.maxY) / 2 };
  const size = Math.max(b.maxX - b.minX, b.maxY - b.minY) / 2;
  const mask = new Uint8Array(face.image.width * face.image.height);
  rasterise(polygon, face.image.width, face.image.height, mask);
  return { image: paint(face.image, mask, fillFor('mask', face, c, size, sources, rand)), mask };
}
