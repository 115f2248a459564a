/**
 * No-reference blur estimate by re-blurring: Crete, Dolmiere, Ladret, Nicolas, "The blur effect:
 * perception and estimation with a new no-reference perceptual blur metric", SPIE EI 2007.
 * A sharp image loses much of its neighbour-to-neighbour variation when blurred again; an
 * already blurred one loses little. The ratio is independent of contrast and mean level.
 */

/** Luma `width * height` row-major, any range. */
export interface LumaPlane {
  readonly width: number;
  readonly height: number;
  readonly luma: Float32Array;
}

/**
 * Blur amount in [0, 1] (0 = sharp, 1 = no variation left or none to begin with), the larger of the
 * horizontal and vertical estimates (of those directions that vary at all), using a `taps`-long box
 * re-blur (9 in the paper). Returns 1 for planes smaller than 2×2 or without any variation.
 */
export function reblurBlur(plane: LumaPlane, taps = 9): number {
  const { width, height, luma } = plane;
  if (width < 2 || height < 2) return 1;
  const half = Math.floor(taps / 2);
  const blurred = new Float32Array(width * height);
  // A direction without any variation says nothing about blur; it is left out (-1).
  let blurH = -1;
  let blurV = -1;
  // Horizontal: box-blur each row (edge-clamped), then compare horizontal differences.
  {
    let sumF = 0;
    let sumV = 0;
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) {
        let s = 0;
        for (let k = -half; k <= half; k++) {
          const xx = Math.min(width - 1, Math.max(0, x + k));
          s += luma[row + xx] ?? 0;
        }
        blurred[row + x] = s / (2 * half + 1);
      }
      for (let x = 1; x < width; x++) {
        const dF = Math.abs((luma[row + x] ?? 0) - (luma[row + x - 1] ?? 0));
        const dB = Math.abs((blurred[row + x] ?? 0) - (blurred[row + x - 1] ?? 0));
        sumF += dF;
        sumV += Math.max(0, dF - dB);
      }
    }
    if (sumF > 1e-6) blurH = (sumF - sumV) / sumF;
  }
  // Vertical: the same along columns.
  {
    let sumF = 0;
    let sumV = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let s = 0;
        for (let k = -half; k <= half; k++) {
          const yy = Math.min(height - 1, Math.max(0, y + k));
          s += luma[yy * width + x] ?? 0;
        }
        blurred[y * width + x] = s / (2 * half + 1);
      }
    }
    for (let y = 1; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        const dF = Math.abs((luma[i] ?? 0) - (luma[i - width] ?? 0));
        const dB = Math.abs((blurred[i] ?? 0) - (blurred[i - width] ?? 0));
        sumF += dF;
        sumV += Math.max(0, dF - dB);
      }
    }
    if (sumF > 1e-6) blurV = (sumF - sumV) / sumF;
  }
  const blur = Math.max(blurH, blurV);
  return blur < 0 ? 1 : Math.min(1, blur);
}
