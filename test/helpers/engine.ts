/**
 * Test helpers shared by the engine and measure tests: one lazily created engine per test file
 * (Jest runs every file in its own module registry, so the models load once per file), fixture
 * loading, and pure perturbations of a {@link RawImage}.
 */
import { readFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { DEFAULT_LIMITS } from '../../lambda/config.js';
import type { Engine } from '../../lambda/engine/index.js';
import { createEngine } from '../../lambda/engine/index.js';
import type { RawImage } from '../../lambda/engine/types.js';
import { decodeImage as decodeWithIntake } from '../../lambda/image/decode.js';
import { type FixtureName, fixturePath } from './fixtures.js';

let enginePromise: Promise<Engine> | undefined;

/** The engine shared by all tests of the current test file, created on first use. */
export function getTestEngine(): Promise<Engine> {
  enginePromise ??= createEngine();
  return enginePromise;
}

/** Releases the shared engine (call from `afterAll`). */
export async function disposeTestEngine(): Promise<void> {
  if (enginePromise === undefined) return;
  const engine = await enginePromise;
  enginePromise = undefined;
  engine.dispose();
}

export { fixturePath } from './fixtures.js';

/** Size limits for development photos: the API's, without its byte cap (files are read from disk). */
const DEV_LIMITS = Object.freeze({ ...DEFAULT_LIMITS, maxImageBytes: Number.MAX_SAFE_INTEGER });

/**
 * Decodes a file or buffer with the production intake (`lambda/image/decode.ts`: EXIF orientation,
 * alpha flattened, grey expanded) into an upright 8-bit RGB {@link RawImage}.
 */
export async function decodeImage(input: string | Buffer): Promise<RawImage> {
  const bytes = typeof input === 'string' ? await readFile(input) : input;
  return (await decodeWithIntake(bytes, DEV_LIMITS)).image;
}

/** Decodes a committed fixture by name, through the production intake. */
export function loadFixture(name: FixtureName): Promise<RawImage> {
  return decodeImage(fixturePath(name));
}

function fromSharpRaw(data: Buffer, width: number, height: number, channels: number): RawImage {
  if (channels === 3) return { width, height, channels: 3, data: new Uint8Array(data) };
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = data[i * channels + Math.min(c, channels - 1)] ?? 0;
  }
  return { width, height, channels: 3, data: out };
}

function toSharp(image: RawImage): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}

async function fromSharp(pipeline: Sharp): Promise<RawImage> {
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return fromSharpRaw(data, info.width, info.height, info.channels);
}

/** An RGB colour, 0-255 per channel. */
export type Rgb = readonly [number, number, number];

/** A pixel rectangle: `x, y` top-left corner, `width × height` pixels. */
export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A new image of `width × height` pixels filled with `rgb`. */
export function solidImage(width: number, height: number, rgb: Rgb = [0, 0, 0]): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, channels: 3, data };
}

/** Horizontal mirror (left ↔ right). */
export function mirror(image: RawImage): RawImage {
  const { width, height } = image;
  const data = new Uint8Array(image.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const src = (y * width + x) * 3;
      data.set(image.data.subarray(src, src + 3), (y * width + (width - 1 - x)) * 3);
    }
  }
  return { width, height, channels: 3, data };
}

/**
 * Rotates by `deg` degrees CLOCKWISE as the viewer sees it (sharp's convention), on a canvas
 * enlarged to hold the whole rotated image, corners filled with `background`.
 */
export function rotate(image: RawImage, deg: number, background: Rgb = [0, 0, 0]): Promise<RawImage> {
  const [r, g, b] = background;
  return fromSharp(toSharp(image).rotate(deg, { background: { r, g, b } }));
}

/** Resizes to exactly `width × height` pixels (Lanczos). */
export function resize(image: RawImage, width: number, height: number): Promise<RawImage> {
  return fromSharp(toSharp(image).resize(width, height, { fit: 'fill' }));
}

/** Gaussian blur with standard deviation `sigmaPx` pixels (sharp needs sigma ≥ 0.3). */
export function blur(image: RawImage, sigmaPx: number): Promise<RawImage> {
  return fromSharp(toSharp(image).blur(sigmaPx));
}

/** The part of `image` inside `rect`, which must lie inside the image. */
export function crop(image: RawImage, rect: PixelRect): RawImage {
  const { x, y, width, height } = rect;
  if (x < 0 || y < 0 || width < 1 || height < 1 || x + width > image.width || y + height > image.height) {
    throw new RangeError(`crop ${JSON.stringify(rect)} outside ${image.width}×${image.height}`);
  }
  const data = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    const src = ((y + row) * image.width + x) * 3;
    data.set(image.data.subarray(src, src + width * 3), row * width * 3);
  }
  return { width, height, channels: 3, data };
}

/**
 * Pastes `image` with its top-left corner at `(x, y)` on a `width × height` canvas of `background`;
 * parts falling outside the canvas are cut off.
 */
export function placeOnCanvas(
  image: RawImage,
  canvas: { readonly width: number; readonly height: number; readonly x: number; readonly y: number },
  background: Rgb = [0, 0, 0],
): RawImage {
  const out = solidImage(canvas.width, canvas.height, background);
  const data = out.data;
  for (let row = 0; row < image.height; row++) {
    const ty = canvas.y + row;
    if (ty < 0 || ty >= canvas.height) continue;
    const x0 = Math.max(0, -canvas.x);
    const x1 = Math.min(image.width, canvas.width - canvas.x);
    if (x1 <= x0) continue;
    const src = (row * image.width + x0) * 3;
    data.set(image.data.subarray(src, src + (x1 - x0) * 3), (ty * canvas.width + canvas.x + x0) * 3);
  }
  return out;
}

/** `a` and `b` next to each other (a on the left), top-aligned, `gapPx` of `background` between. */
export function sideBySide(a: RawImage, b: RawImage, gapPx = 0, background: Rgb = [0, 0, 0]): RawImage {
  const width = a.width + gapPx + b.width;
  const height = Math.max(a.height, b.height);
  const left = placeOnCanvas(a, { width, height, x: 0, y: 0 }, background);
  const data = new Uint8Array(left.data);
  for (let row = 0; row < b.height; row++) {
    const src = row * b.width * 3;
    data.set(b.data.subarray(src, src + b.width * 3), (row * width + a.width + gapPx) * 3);
  }
  return { width, height, channels: 3, data };
}

/** Multiplies every channel by `factor`, clamped to 0-255. */
export function scaleBrightness(image: RawImage, factor: number): RawImage {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.min(255, Math.max(0, Math.round((image.data[i] ?? 0) * factor)));
  }
  return { ...image, data };
}

/** A copy of `image` with `rect` (clipped to the image) painted `rgb`. */
export function fillRect(image: RawImage, rect: PixelRect, rgb: Rgb): RawImage {
  const data = new Uint8Array(image.data);
  const x0 = Math.max(0, Math.floor(rect.x));
  const y0 = Math.max(0, Math.floor(rect.y));
  const x1 = Math.min(image.width, Math.ceil(rect.x + rect.width));
  const y1 = Math.min(image.height, Math.ceil(rect.y + rect.height));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) data.set(rgb, (y * image.width + x) * 3);
  }
  return { ...image, data };
}
