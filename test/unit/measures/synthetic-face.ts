/**
 * A drawn, face-like test image with its own 68 landmarks (iBUG order), so the measures can be
 * tested without any model or photo. Skin carries deterministic pixel noise (real skin and sensors
 * are never flat) and the parts have the colours the measures expect: white sclera with a dark
 * iris, brown brows, dark nostrils, red lips with a dark gap.
 */
import sharp from 'sharp';
import type { Landmarks68 } from '../../../lambda/engine/landmarks.js';
import { forEachPolygonSpan } from '../../../lambda/engine/measures/pixels/polygon.js';
import type { Box, MeasureInput } from '../../../lambda/engine/measures/types.js';
import type { Point, RawImage } from '../../../lambda/engine/types.js';

export type Rgb = readonly [number, number, number];

export interface FaceSpec {
  /** Canvas size in pixels. */
  readonly width: number;
  readonly height: number;
  /** Face centre (between the eyes and the mouth) and inter-ocular distance, in pixels. */
  readonly cx: number;
  readonly cy: number;
  readonly iodPx: number;
  /** Inner-lip gap as a fraction of the inter-ocular distance (0 = closed). */
  readonly mouthGap?: number;
  readonly skin?: Rgb;
  readonly background?: Rgb;
}

export const DEFAULT_SKIN: Rgb = [205, 155, 125];

/** The 68 landmarks of a frontal face laid out from simple proportions of the inter-ocular distance. */
export function syntheticLandmarks(spec: FaceSpec): Point[] {
  const { cx, cy } = spec;
  const s = spec.iodPx;
  const gap = (spec.mouthGap ?? 0) * s;
  const pts: Point[] = [];
  for (let i = 0; i <= 16; i++) {
    const a = (Math.PI * i) / 16;
    pts.push({ x: cx - 0.95 * s * Math.cos(a), y: cy - 0.15 * s + 1.05 * s * Math.sin(a) });
  }
  for (const side of [-1, 1]) {
    for (let k = 0; k < 5; k++) {
      const x = side < 0 ? cx - 0.85 * s + 0.175 * s * k : cx + 0.15 * s + 0.175 * s * k;
      pts.push({ x, y: cy - 0.75 * s - 0.08 * s * Math.sin((Math.PI * k) / 4) });
    }
  }
  for (let k = 0; k < 4; k++) pts.push({ x: cx, y: cy - 0.5 * s + 0.15 * s * k });
  for (let k = 0; k < 5; k++)
    pts.push({ x: cx - 0.2 * s + 0.1 * s * k, y: cy + 0.05 * s + (k === 2 ? 0.03 * s : 0) });
  for (const ex of [cx - 0.5 * s, cx + 0.5 * s]) {
    const ey = cy - 0.45 * s;
    const w = 0.2 * s;
    const h = 0.07 * s;
    pts.push(
      { x: ex - w, y: ey },
      { x: ex - 0.35 * w, y: ey - h },
      { x: ex + 0.35 * w, y: ey - h },
      { x: ex + w, y: ey },
      { x: ex + 0.35 * w, y: ey + h },
      { x: ex - 0.35 * w, y: ey + h },
    );
  }
  const mx = cx;
  const my = cy + 0.4 * s;
  const up = my - gap / 2;
  const down = my + gap / 2;
  pts.push(
    { x: mx - 0.35 * s, y: my },
    { x: mx - 0.22 * s, y: up - 0.08 * s },
    { x: mx - 0.08 * s, y: up - 0.11 * s },
    { x: mx, y: up - 0.09 * s },
    { x: mx + 0.08 * s, y: up - 0.11 * s },
    { x: mx + 0.22 * s, y: up - 0.08 * s },
    { x: mx + 0.35 * s, y: my },
    { x: mx + 0.22 * s, y: down + 0.1 * s },
    { x: mx + 0.08 * s, y: down + 0.13 * s },
    { x: mx, y: down + 0.13 * s },
    { x: mx - 0.08 * s, y: down + 0.13 * s },
    { x: mx - 0.22 * s, y: down + 0.1 * s },
  );
  pts.push(
    { x: mx - 0.3 * s, y: my },
    { x: mx - 0.1 * s, y: up },
    { x: mx, y: up },
    { x: mx + 0.1 * s, y: up },
    { x: mx + 0.3 * s, y: my },
    { x: mx + 0.1 * s, y: down },
    { x: mx, y: down },
    { x: mx - 0.1 * s, y: down },
  );
  return pts;
}

/** Deterministic per-pixel noise in [-1, 1]. */
function hashNoise(x: number, y: number): number {
  let h = (x * 374761393 + y * 668265263) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) & 0xffff) / 32767.5 - 1;
}

function fillPolygon(image: RawImage, polygon: readonly Point[], rgb: Rgb, noise = 0): void {
  forEachPolygonSpan(polygon, image.width, image.height, (y, x0, x1) => {
    for (let x = x0; x < x1; x++) {
      const n = noise * hashNoise(x, y);
      rgb.forEach((v, c) => {
        image.data[(y * image.width + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(v + n)));
      });
    }
  });
}

function ellipse(cx: number, cy: number, rx: number, ry: number, n = 24): Point[] {
  return Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / n;
    return { x: cx + rx * Math.cos(a), y: cy + ry * Math.sin(a) };
  });
}

/** Thick polyline as a polygon strip of `halfWidth` pixels either side. */
function strip(points: readonly Point[], halfWidth: number): Point[] {
  const top = points.map((p) => ({ x: p.x, y: p.y - halfWidth }));
  const bottom = points.map((p) => ({ x: p.x, y: p.y + halfWidth })).reverse();
  return top.concat(bottom);
}

const slice = (pts: readonly Point[], first: number, last: number): Point[] => pts.slice(first, last + 1);

/** Draws the face described by `spec` and returns it with its landmarks and a detector-like box. */
export function syntheticFace(spec: FaceSpec): MeasureInput {
  const background = spec.background ?? [90, 110, 95];
  const skin = spec.skin ?? DEFAULT_SKIN;
  const data = new Uint8Array(spec.width * spec.height * 3);
  for (let i = 0; i < spec.width * spec.height; i++) data.set(background, i * 3);
  const image: RawImage = { width: spec.width, height: spec.height, channels: 3, data };
  const lm = syntheticLandmarks(spec);
  const s = spec.iodPx;
  fillPolygon(image, ellipse(spec.cx, spec.cy - 0.2 * s, 1.1 * s, 1.35 * s, 64), skin, 8);
  for (const [first, last] of [
    [17, 21],
    [22, 26],
  ] as const) {
    fillPolygon(image, strip(slice(lm, first, last), 0.04 * s), [70, 50, 35], 6);
  }
  for (const [first, last] of [
    [36, 41],
    [42, 47],
  ] as const) {
    const eye = slice(lm, first, last);
    fillPolygon(image, eye, [235, 232, 228], 4);
    const c = eye.reduce((a, p) => ({ x: a.x + p.x / 6, y: a.y + p.y / 6 }), { x: 0, y: 0 });
    fillPolygon(image, ellipse(c.x, c.y, 0.065 * s, 0.065 * s), [80, 55, 40], 4);
    fillPolygon(image, ellipse(c.x, c.y, 0.03 * s, 0.03 * s), [15, 12, 12], 2);
    fillPolygon(image, strip(slice(lm, first, first + 3), 0.012 * s), [40, 30, 25], 3);
  }
  const nose = lm[30] ?? { x: spec.cx, y: spec.cy };
  fillPolygon(image, [lm[27] ?? nose, lm[35] ?? nose, lm[31] ?? nose], [185, 135, 108], 8);
  for (const i of [32, 34]) {
    const p = lm[i] ?? nose;
    fillPolygon(image, ellipse(p.x, p.y, 0.05 * s, 0.025 * s), [60, 35, 30], 3);
  }
  fillPolygon(image, slice(lm, 48, 59), [175, 75, 85], 6);
  if ((spec.mouthGap ?? 0) > 0) fillPolygon(image, slice(lm, 60, 67), [45, 20, 25], 4);
  else fillPolygon(image, strip(slice(lm, 60, 64), 0.012 * s), [90, 35, 40], 3);
  return { image, landmarks: lm, box: faceBox(lm) };
}

/** Bounding box of the landmarks, as a detector box would roughly be. */
export function faceBox(landmarks: Landmarks68): Box {
  const xs = landmarks.map((p) => p.x);
  const ys = landmarks.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return {
    x,
    y: y - 0.2 * (Math.max(...ys) - y),
    width: Math.max(...xs) - x,
    height: 1.2 * (Math.max(...ys) - y),
  };
}

/** Gaussian blur with standard deviation `sigmaPx` (sharp, i.e. libvips). */
export async function gaussianBlur(image: RawImage, sigmaPx: number): Promise<RawImage> {
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .blur(sigmaPx)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

/** Multiplies every channel by `factor`, clamped to 0-255. */
export function scaleIntensity(image: RawImage, factor: number): RawImage {
  const data = image.data.map((v) => Math.min(255, Math.max(0, Math.round(v * factor))));
  return { ...image, data };
}

/** A copy of `image` with `polygon` filled flat with `rgb`. */
export function paintPolygon(image: RawImage, polygon: readonly Point[], rgb: Rgb): RawImage {
  const copy: RawImage = { ...image, data: new Uint8Array(image.data) };
  fillPolygon(copy, polygon, rgb);
  return copy;
}
