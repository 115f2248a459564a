import { describe, expect, it } from '@jest/globals';
import { sampleSquare, squareAround, squareAroundPoints } from '../../../lambda/engine/models/crop.js';
import { padRaw } from '../../../lambda/engine/pipeline.js';
import type { RawImage } from '../../../lambda/engine/types.js';

/** A `size × size` image whose red channel is x, green y, blue constant 200. */
function gradient(size: number): RawImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) data.set([x, y, 200], (y * size + x) * 3);
  }
  return { width: size, height: size, channels: 3, data };
}

/**
 * The definition sampleSquare implements, computed the slow way: every output pixel is the mean of
 * k×k bilinear sub-samples over its footprint (k = ceil(step), at most 8), 0 outside the image.
 */
function sampleSquareDirect(
  image: RawImage,
  square: { x: number; y: number; sizePx: number },
  out: number,
  outside: 'zero' | 'reflect' = 'zero',
): number[] {
  const step = square.sizePx / out;
  const k = Math.min(8, Math.max(1, Math.ceil(step)));
  // Mirror across the edge without repeating the edge pixel: -1 → 0, n → n - 1.
  const mirror = (i: number, n: number): number =>
    Math.min(n - 1, Math.max(0, i < 0 ? -i - 1 : i >= n ? 2 * n - i - 1 : i));
  const px = (x: number, y: number, c: number): number => {
    if (outside === 'reflect') {
      return image.data[(mirror(y, image.height) * image.width + mirror(x, image.width)) * 3 + c] ?? 0;
    }
    return x < 0 || y < 0 || x >= image.width || y >= image.height
      ? 0
      : (image.data[(y * image.width + x) * 3 + c] ?? 0);
  };
  const result: number[] = [];
  for (let oy = 0; oy < out; oy++) {
    for (let ox = 0; ox < out; ox++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let sy = 0; sy < k; sy++) {
          const fy = square.y + ((oy * k + sy + 0.5) / k) * step - 0.5;
          const y0 = Math.floor(fy);
          const wy = fy - y0;
          for (let sx = 0; sx < k; sx++) {
            const fx = square.x + ((ox * k + sx + 0.5) / k) * step - 0.5;
            const x0 = Math.floor(fx);
            const wx = fx - x0;
            sum +=
              (1 - wx) * (1 - wy) * px(x0, y0, c) +
              wx * (1 - wy) * px(x0 + 1, y0, c) +
              (1 - wx) * wy * px(x0, y0 + 1, c) +
              wx * wy * px(x0 + 1, y0 + 1, c);
          }
        }
        result.push(sum / (k * k));
      }
    }
  }
  return result;
}

/** Deterministic noise image (a linear congruential generator), so every pixel differs. */
function noise(width: number, height: number, seed: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[i] = s % 256;
  }
  return { width, height, channels: 3, data };
}

describe('sampleSquare', () => {
  it('equals the direct k×k sub-sample mean: shrinking, enlarging, past the border, capped sub-samples', () => {
    const image = noise(53, 41, 7);
    const cases = [
      { square: { x: 3.3, y: 1.7, sizePx: 37.9 }, out: 12 },
      { square: { x: -10.2, y: -6.5, sizePx: 30 }, out: 9 },
      { square: { x: 20.6, y: 15.1, sizePx: 6.4 }, out: 16 },
      { square: { x: 30, y: 25, sizePx: 50 }, out: 7 },
      { square: { x: -1, y: -1, sizePx: 53 }, out: 5 },
      { square: { x: 0, y: 0, sizePx: 41 }, out: 41 },
    ];
    for (const { square, out } of cases) {
      const fast = Array.from(sampleSquare(image, square, out));
      const direct = sampleSquareDirect(image, square, out);
      expect(fast.length).toBe(direct.length);
      const worst = Math.max(...fast.map((v, i) => Math.abs(v - (direct[i] ?? Number.NaN))));
      expect(worst).toBeLessThan(1e-3);
    }
  });

  it('with reflect, equals the direct sub-sample mean over the image mirrored across its edges', () => {
    const image = noise(53, 41, 11);
    const cases = [
      { square: { x: -10.2, y: -6.5, sizePx: 30 }, out: 9 },
      { square: { x: 30, y: 25, sizePx: 50 }, out: 7 },
      { square: { x: -20, y: 10, sizePx: 40 }, out: 40 },
    ];
    for (const { square, out } of cases) {
      const fast = Array.from(sampleSquare(image, square, out, 'reflect'));
      const direct = sampleSquareDirect(image, square, out, 'reflect');
      const worst = Math.max(...fast.map((v, i) => Math.abs(v - (direct[i] ?? Number.NaN))));
      expect(worst).toBeLessThan(1e-3);
    }
  });

  it('with reflect, a square half past the left edge shows the mirror image there', () => {
    const out = sampleSquare(gradient(16), { x: -16, y: 0, sizePx: 32 }, 32, 'reflect');
    // Output column 15 is source column -1, mirrored to 0; column 0 is source -16, mirrored to 15.
    expect(out[(4 * 32 + 15) * 3]).toBeCloseTo(0, 6);
    expect(out[(4 * 32 + 0) * 3]).toBeCloseTo(15, 6);
    expect(out[(4 * 32 + 16) * 3]).toBeCloseTo(0, 6);
  });

  it('reproduces the image when the square is the image at its own size', () => {
    const image = gradient(16);
    const out = sampleSquare(image, { x: 0, y: 0, sizePx: 16 }, 16);
    expect(Array.from(out)).toEqual(Array.from(image.data));
  });

  it('averages when shrinking: a 2× shrink of a ramp gives the pixel-pair means', () => {
    const out = sampleSquare(gradient(16), { x: 0, y: 0, sizePx: 16 }, 8);
    // Output pixel 3 covers source columns 6 and 7.
    expect(out[3 * 3]).toBeCloseTo(6.5, 6);
    expect(out[3 * 3 + 2]).toBeCloseTo(200, 6);
  });

  it('pads with zeros outside the image instead of clamping', () => {
    const image = gradient(16);
    // The left half of the square lies left of the image.
    const out = sampleSquare(image, { x: -16, y: 0, sizePx: 32 }, 32);
    expect(out[(10 * 32 + 5) * 3 + 2]).toBe(0);
    expect(out[(10 * 32 + 20) * 3 + 2]).toBeCloseTo(200, 6);
    // Entirely outside: all zeros.
    expect(sampleSquare(image, { x: 100, y: 100, sizePx: 8 }, 4).every((v) => v === 0)).toBe(true);
  });
});

describe('crop framing', () => {
  it('squares a box around its centre, shifted down by a fraction of its height', () => {
    expect(squareAround({ x: 10, y: 20, width: 40, height: 60 })).toEqual({ x: 0, y: 20, sizePx: 60 });
    expect(squareAround({ x: 10, y: 20, width: 40, height: 60 }, 0.1)).toEqual({ x: 0, y: 26, sizePx: 60 });
  });

  it('frames points by their bounding box', () => {
    const points = [
      { x: 10, y: 10 },
      { x: 30, y: 50 },
      { x: 20, y: 30 },
    ];
    expect(squareAroundPoints(points, 1.5)).toEqual({ x: -10, y: 0, sizePx: 60 });
    expect(() => squareAroundPoints([], 1)).toThrow(RangeError);
  });
});

describe('padRaw', () => {
  it('centres the image on a grey canvas grown by padPx on every side', () => {
    const image: RawImage = { width: 2, height: 1, channels: 3, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    const padded = padRaw(image, 1);
    expect([padded.width, padded.height]).toEqual([4, 3]);
    const px = (x: number, y: number) =>
      Array.from(padded.data.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3));
    expect(px(1, 1)).toEqual([1, 2, 3]);
    expect(px(2, 1)).toEqual([4, 5, 6]);
    expect(px(0, 0)).toEqual([128, 128, 128]);
    expect(px(3, 2)).toEqual([128, 128, 128]);
  });
});
