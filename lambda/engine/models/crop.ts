/**
 * Square crops of the full-resolution image for the landmark net. Unlike face-api, which clamps
 * the crop at the image border (squeezing a cut-off face into view), the parts of the square
 * outside the image are zero (black), so landmarks of a partly visible face fall outside the image.
 */
import { pointBounds } from '../landmarks.js';
import type { RawImage } from '../types.js';

/** An axis-aligned square in full-resolution pixels (top-left corner, side); may leave the image. */
export interface Square {
  readonly x: number;
  readonly y: number;
  readonly sizePx: number;
}

/** Most sub-samples per axis per output pixel; enough to avoid aliasing when shrinking faces ~16×. */
const MAX_SUBSAMPLES = 8;

/**
 * The square with side = the box's longer side (face-api pads the box crop to a centred square the
 * same way before resizing it to the net's input), its centre moved down by `shiftDown` box heights.
 */
export function squareAround(
  box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number },
  shiftDown = 0,
): Square {
  const sizePx = Math.max(box.width, box.height);
  return {
    x: box.x + box.width / 2 - sizePx / 2,
    y: box.y + box.height / 2 + shiftDown * box.height - sizePx / 2,
    sizePx,
  };
}

/**
 * Resamples `square` of `image` to `outSizePx × outSizePx` RGB floats in 0-255 (interleaved, rows
 * top to bottom). Each output pixel averages up to 8×8 bilinear sub-samples spread over its
 * footprint (area-like when shrinking, plain bilinear when enlarging); samples outside the image are 0.
 */
export function sampleSquare(image: RawImage, square: Square, outSizePx: number): Float32Array {
  const { width, height, data } = image;
  const out = new Float32Array(outSizePx * outSizePx * 3);
  const step = square.sizePx / outSizePx;
  const k = Math.min(MAX_SUBSAMPLES, Math.max(1, Math.ceil(step)));
  const weight = 1 / (k * k);
  // Source x of every sub-sample column, in pixel-centre coordinates (pixel i spans [i, i+1)).
  const xs = new Float64Array(outSizePx * k);
  const ys = new Float64Array(outSizePx * k);
  for (let i = 0; i < outSizePx * k; i++) {
    const u = (i + 0.5) / k;
    xs[i] = square.x + u * step - 0.5;
    ys[i] = square.y + u * step - 0.5;
  }
  const pixel = (px: number, py: number, c: number): number =>
    px < 0 || py < 0 || px >= width || py >= height ? 0 : (data[(py * width + px) * 3 + c] ?? 0);

  for (let oy = 0; oy < outSizePx; oy++) {
    for (let ox = 0; ox < outSizePx; ox++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < k; sy++) {
        const fy = ys[oy * k + sy] ?? 0;
        const y0 = Math.floor(fy);
        const wy = fy - y0;
        for (let sx = 0; sx < k; sx++) {
          const fx = xs[ox * k + sx] ?? 0;
          const x0 = Math.floor(fx);
          const wx = fx - x0;
          const w00 = (1 - wx) * (1 - wy);
          const w10 = wx * (1 - wy);
          const w01 = (1 - wx) * wy;
          const w11 = wx * wy;
          r +=
            w00 * pixel(x0, y0, 0) +
            w10 * pixel(x0 + 1, y0, 0) +
            w01 * pixel(x0, y0 + 1, 0) +
            w11 * pixel(x0 + 1, y0 + 1, 0);
          g +=
            w00 * pixel(x0, y0, 1) +
            w10 * pixel(x0 + 1, y0, 1) +
            w01 * pixel(x0, y0 + 1, 1) +
            w11 * pixel(x0 + 1, y0 + 1, 1);
          b +=
            w00 * pixel(x0, y0, 2) +
            w10 * pixel(x0 + 1, y0, 2) +
            w01 * pixel(x0, y0 + 1, 2) +
            w11 * pixel(x0 + 1, y0 + 1, 2);
        }
      }
      const o = (oy * outSizePx + ox) * 3;
      out[o] = r * weight;
      out[o + 1] = g * weight;
      out[o + 2] = b * weight;
    }
  }
  return out;
}

/**
 * The square centred on the bounding box of `points`, side = `scale` × its longer side: the crop
 * for a refinement pass of the landmark net from a previous pass's landmarks.
 */
export function squareAroundPoints(
  points: readonly { readonly x: number; readonly y: number }[],
  scale: number,
): Square {
  const { minX: x0, minY: y0, maxX: x1, maxY: y1 } = pointBounds(points);
  if (!(x1 >= x0 && y1 >= y0)) throw new RangeError('no points to frame');
  const sizePx = scale * Math.max(x1 - x0, y1 - y0);
  return { x: (x0 + x1) / 2 - sizePx / 2, y: (y0 + y1) / 2 - sizePx / 2, sizePx };
}
