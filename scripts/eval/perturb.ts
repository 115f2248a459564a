/**
 * Perturbations with known truth, on RawImage (pure apart from sharp resizes): an exact Gaussian
 * blur for sub-pixel sigmas, exposure, painting an occluder through a pixel mask, a seeded RNG.
 * Crops, resizes, rotations and mirrors come from the test helpers (`test/helpers/engine.ts`).
 */
import type { RawImage } from '../../lambda/engine/types.js';

/** Seeded uniform [0,1) generator (mulberry32): every run of the eval draws the same cases. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic seed from a string (e.g. an item key and a perturbation name). */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Separable Gaussian blur with standard deviation `sigmaPx` (any sigma > 0, sub-pixel included,
 * unlike libvips), the kernel truncated at 4 sigma and renormalised, borders clamped.
 */
export function gaussianBlur(image: RawImage, sigmaPx: number): RawImage {
  if (!(sigmaPx > 0)) return image;
  const radius = Math.max(1, Math.ceil(4 * sigmaPx));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp(-(i * i) / (2 * sigmaPx * sigmaPx));
    kernel[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] = (kernel[i] ?? 0) / sum;
  const { width, height, data } = image;
  const tmp = new Float32Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = -radius; k <= radius; k++) {
          const xx = Math.min(width - 1, Math.max(0, x + k));
          acc += (kernel[k + radius] ?? 0) * (data[(y * width + xx) * 3 + c] ?? 0);
        }
        tmp[(y * width + x) * 3 + c] = acc;
      }
    }
  }
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = -radius; k <= radius; k++) {
          const yy = Math.min(height - 1, Math.max(0, y + k));
          acc += (kernel[k + radius] ?? 0) * (tmp[(yy * width + x) * 3 + c] ?? 0);
        }
        out[(y * width + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(acc)));
      }
    }
  }
  return { width, height, channels: 3, data: out };
}

/**
 * Exposure change by `factor` in linear light (sRGB decoded, scaled, re-encoded), as a camera's
 * exposure does; `factor` < 1 darkens.
 */
export function scaleExposureLinear(image: RawImage, factor: number): RawImage {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    const c = v / 255;
    const lin = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    const l = Math.min(1, lin * factor);
    const e = l <= 0.0031308 ? 12.92 * l : 1.055 * l ** (1 / 2.4) - 0.055;
    lut[v] = Math.round(e * 255);
  }
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = lut[image.data[i] ?? 0] ?? 0;
  return { ...image, data };
}

/** A per-pixel RGB source for an occluder: the colour painted at (x, y). */
export type Fill = (x: number, y: number) => readonly [number, number, number];

/**
 * `image` with `fill` painted where `mask` (one byte per pixel, 1 = covered) is set. Pure.
 */
export function paint(image: RawImage, mask: Uint8Array, fill: Fill): RawImage {
  const data = new Uint8Array(image.data);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = y * image.width + x;
      if (mask[i] !== 1) continue;
      const [r, g, b] = fill(x, y);
      data[i * 3] = Math.min(255, Math.max(0, Math.round(r)));
      data[i * 3 + 1] = Math.min(255, Math.max(0, Math.round(g)));
      data[i * 3 + 2] = Math.min(255, Math.max(0, Math.round(b)));
    }
  }
  return { ...image, data };
}
