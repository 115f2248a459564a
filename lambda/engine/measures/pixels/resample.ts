/** Area-averaged resampling of an image region onto a smaller grid (never enlarges). */
import { wholeImageFrame } from '../../frame.js';
import type { RawImage } from '../../types.js';
import type { Box, ImageFrame } from '../types.js';

/** A resampled RGB crop: crop pixel (u, v) covers image pixels `origin + [u, u+1) / scale`. */
export interface RgbCrop {
  readonly width: number;
  readonly height: number;
  /** Image x / y of the crop's top-left corner, in full-resolution pixels. */
  readonly originX: number;
  readonly originY: number;
  /** Crop pixels per image pixel, in (0, 1]. */
  readonly scale: number;
  /** `width * height * 3` floats, R G B in [0, 255], interleaved. */
  readonly rgb: Float32Array;
}

/** Clamps `box` to the image and rounds outwards to whole pixels; null when nothing is left. */
export function clipBox(box: Box, imageWidth: number, imageHeight: number): Box | null {
  if (![box.x, box.y, box.width, box.height].every(Number.isFinite)) return null;
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(imageWidth, Math.ceil(box.x + box.width));
  const y1 = Math.min(imageHeight, Math.ceil(box.y + box.height));
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Source index ranges `[starts[i], starts[i+1])` of each destination cell along one axis. */
function cellStarts(sourceLength: number, destLength: number): Int32Array {
  const starts = new Int32Array(destLength + 1);
  for (let i = 0; i <= destLength; i++) starts[i] = Math.round((i * sourceLength) / destLength);
  return starts;
}

/**
 * Resamples `region` (full-resolution pixels, clipped to the image) so that it is `scale` times its
 * full-resolution size, by averaging every source pixel into exactly one destination cell. `image`
 * covers `frame` of the photo (default: the whole photo at full resolution); a scale finer than
 * the image's own is treated as the image's own (never enlarges). Returns null when the region
 * misses the image. Reads only the region's pixels.
 */
export function resampleRegion(
  image: RawImage,
  region: Box,
  scale: number,
  frame: ImageFrame = wholeImageFrame(image),
): RgbCrop | null {
  const f = frame.scale;
  const inImage = {
    x: (region.x - frame.originX) * f,
    y: (region.y - frame.originY) * f,
    width: region.width * f,
    height: region.height * f,
  };
  const clipped = clipBox(inImage, image.width, image.height);
  if (clipped === null) return null;
  const s = Number.isFinite(scale) && scale > 0 ? Math.min(scale / f, 1) : 1;
  const width = Math.max(1, Math.round(clipped.width * s));
  const height = Math.max(1, Math.round(clipped.height * s));
  const xs = cellStarts(clipped.width, width);
  const ys = cellStarts(clipped.height, height);
  const rgb = new Float32Array(width * height * 3);
  const row = new Float64Array(width * 3);
  const data = image.data;
  for (let v = 0; v < height; v++) {
    row.fill(0);
    const sy0 = clipped.y + (ys[v] ?? 0);
    const sy1 = clipped.y + (ys[v + 1] ?? 0);
    for (let sy = sy0; sy < sy1; sy++) {
      let src = (sy * image.width + clipped.x) * 3;
      for (let u = 0; u < width; u++) {
        const n = (xs[u + 1] ?? 0) - (xs[u] ?? 0);
        let r = 0;
        let g = 0;
        let b = 0;
        for (let k = 0; k < n; k++) {
          r += data[src] ?? 0;
          g += data[src + 1] ?? 0;
          b += data[src + 2] ?? 0;
          src += 3;
        }
        row[u * 3] = (row[u * 3] ?? 0) + r;
        row[u * 3 + 1] = (row[u * 3 + 1] ?? 0) + g;
        row[u * 3 + 2] = (row[u * 3 + 2] ?? 0) + b;
      }
    }
    const rows = sy1 - sy0;
    for (let u = 0; u < width; u++) {
      const area = Math.max(1, rows * ((xs[u + 1] ?? 0) - (xs[u] ?? 0)));
      const o = (v * width + u) * 3;
      rgb[o] = (row[u * 3] ?? 0) / area;
      rgb[o + 1] = (row[u * 3 + 1] ?? 0) / area;
      rgb[o + 2] = (row[u * 3 + 2] ?? 0) / area;
    }
  }
  return {
    width,
    height,
    originX: frame.originX + clipped.x / f,
    originY: frame.originY + clipped.y / f,
    scale: (width / clipped.width) * f,
    rgb,
  };
}
