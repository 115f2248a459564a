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
 * The taps of one axis of {@link sampleSquare}: for each output index, the source indices inside
 * `[0, limitPx)` and their weights (sub-sample share × bilinear weight, merged per source index).
 * Taps outside the image are dropped (they read 0), or with `reflect` read the pixel mirrored
 * across the edge.
 */
interface AxisTaps {
  /** Output `o` uses taps `offsets[o]` … `offsets[o + 1] - 1`. */
  readonly offsets: Int32Array;
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

function axisTaps(
  originPx: number,
  step: number,
  k: number,
  outSizePx: number,
  limitPx: number,
  reflect: boolean,
): AxisTaps {
  const offsets = new Int32Array(outSizePx + 1);
  const index: number[] = [];
  const weight: number[] = [];
  // Sub-sample i sits at originPx + (i + 0.5) / k · step in pixel-centre coordinates (pixel i spans [i, i+1)).
  const at = (i: number): number => originPx + ((i + 0.5) / k) * step - 0.5;
  const share = 1 / k;
  for (let o = 0; o < outSizePx; o++) {
    const first = Math.floor(at(o * k));
    const span = Math.floor(at(o * k + k - 1)) + 2 - first;
    const acc = new Float64Array(span);
    for (let s = 0; s < k; s++) {
      const f = at(o * k + s);
      const x0 = Math.floor(f);
      const w = f - x0;
      acc[x0 - first] = (acc[x0 - first] ?? 0) + (1 - w) * share;
      acc[x0 + 1 - first] = (acc[x0 + 1 - first] ?? 0) + w * share;
    }
    for (let j = 0; j < span; j++) {
      const at0 = first + j;
      const src = reflect ? reflectIndex(at0, limitPx) : at0;
      const w = acc[j] ?? 0;
      if (w !== 0 && src >= 0 && src < limitPx) {
        index.push(src);
        weight.push(w);
      }
    }
    offsets[o + 1] = index.length;
  }
  return { offsets, index: Int32Array.from(index), weight: Float64Array.from(weight) };
}

/** Index `i` mirrored into `[0, limit)` across the nearer edge (edge pixel not repeated), clamped. */
function reflectIndex(i: number, limit: number): number {
  const r = i < 0 ? -i - 1 : i >= limit ? 2 * limit - i - 1 : i;
  return Math.min(limit - 1, Math.max(0, r));
}

/** How {@link sampleSquare} fills the part of the square outside the image. */
export type OutsideFill = 'zero' | 'reflect';

/**
 * Resamples `square` of `image` to `outSizePx × outSizePx` RGB floats in 0-255 (interleaved, rows
 * top to bottom). Each output pixel averages up to 8×8 bilinear sub-samples spread over its
 * footprint (area-like when shrinking, plain bilinear when enlarging); samples outside the image
 * are 0, or with `outside: 'reflect'` the image mirrored across its edge. The filter is separable,
 * so it runs as a horizontal pass over the source rows it needs, then a vertical one: the same
 * weights as sampling every sub-sample in 2D, at a fraction of the cost.
 */
export function sampleSquare(
  image: RawImage,
  square: Square,
  outSizePx: number,
  outside: OutsideFill = 'zero',
): Float32Array {
  const { width, height, data } = image;
  const out = new Float32Array(outSizePx * outSizePx * 3);
  const step = square.sizePx / outSizePx;
  const k = Math.min(MAX_SUBSAMPLES, Math.max(1, Math.ceil(step)));
  const reflect = outside === 'reflect';
  const cols = axisTaps(square.x, step, k, outSizePx, width, reflect);
  const rows = axisTaps(square.y, step, k, outSizePx, height, reflect);
  if (cols.index.length === 0 || rows.index.length === 0) return out;

  // Horizontal pass: each source row some output row reads, filtered to the output columns once.
  const slotOfRow = new Int32Array(height).fill(-1);
  let slots = 0;
  for (const y of rows.index) {
    if (slotOfRow[y] === -1) slotOfRow[y] = slots++;
  }
  const rowBytes = outSizePx * 3;
  const filtered = new Float32Array(slots * rowBytes);
  for (let y = 0; y < height; y++) {
    const slot = slotOfRow[y] ?? -1;
    if (slot < 0) continue;
    const src = y * width * 3;
    let dst = slot * rowBytes;
    for (let ox = 0; ox < outSizePx; ox++, dst += 3) {
      let r = 0;
      let g = 0;
      let b = 0;
      const end = cols.offsets[ox + 1] ?? 0;
      for (let t = cols.offsets[ox] ?? 0; t < end; t++) {
        const w = cols.weight[t] ?? 0;
        const p = src + (cols.index[t] ?? 0) * 3;
        r += w * (data[p] ?? 0);
        g += w * (data[p + 1] ?? 0);
        b += w * (data[p + 2] ?? 0);
      }
      filtered[dst] = r;
      filtered[dst + 1] = g;
      filtered[dst + 2] = b;
    }
  }
  // Vertical pass.
  for (let oy = 0; oy < outSizePx; oy++) {
    const o = oy * rowBytes;
    const end = rows.offsets[oy + 1] ?? 0;
    for (let t = rows.offsets[oy] ?? 0; t < end; t++) {
      const w = rows.weight[t] ?? 0;
      const from = (slotOfRow[rows.index[t] ?? 0] ?? 0) * rowBytes;
      for (let i = 0; i < rowBytes; i++) out[o + i] = (out[o + i] ?? 0) + w * (filtered[from + i] ?? 0);
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
