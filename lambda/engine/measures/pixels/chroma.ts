/**
 * Intensity-free chromaticity (r = R/(R+G+B), g = G/(R+G+B)) and a robust reference model of the
 * face's own skin: the densest chromaticity over several reference regions, each region casting
 * the same total vote, so that one region covered by a hat, hair or a mask cannot outvote the rest.
 */

/** Pixels whose R+G+B is below this carry too little light for a usable chromaticity. */
export const MIN_CHROMA_SUM = 60;

export interface SkinModel {
  /** Reference chromaticity. */
  readonly r: number;
  readonly g: number;
  /** Spread of the skin cluster around it (floored), per axis. */
  readonly sigmaR: number;
  readonly sigmaG: number;
  /** Median Rec. 601 luma of the skin cluster's pixels, in [0, 255]. */
  readonly luma: number;
}

/** Interleaved RGB samples of one reference region. */
export interface RgbSamples {
  readonly rgb: Float32Array;
  readonly count: number;
}

const BINS = 64;
/** Chromaticity window around the histogram peak that defines the skin cluster. */
const CLUSTER_RADIUS = 0.04;
/** Smallest spread used, so a very uniform reference does not make every pixel an outlier. */
export const MIN_CHROMA_SIGMA = 0.012;

/** Calls `visit(r, g, luma)` for every sample bright enough to have a chromaticity. */
function forEachChroma(samples: RgbSamples, visit: (r: number, g: number, luma: number) => void): void {
  const { rgb, count } = samples;
  for (let i = 0; i < count; i++) {
    const R = rgb[3 * i] ?? 0;
    const G = rgb[3 * i + 1] ?? 0;
    const B = rgb[3 * i + 2] ?? 0;
    const sum = R + G + B;
    if (sum >= MIN_CHROMA_SUM) visit(R / sum, G / sum, 0.299 * R + 0.587 * G + 0.114 * B);
  }
}

/**
 * Builds the skin model from reference regions. Returns null when fewer than `minPixels` samples in
 * all are bright enough to have a chromaticity.
 */
export function fitSkinModel(regions: readonly RgbSamples[], minPixels = 8): SkinModel | null {
  const hist = new Float64Array(BINS * BINS);
  let usableTotal = 0;
  for (const region of regions) {
    let usable = 0;
    forEachChroma(region, () => {
      usable++;
    });
    if (usable === 0) continue;
    usableTotal += usable;
    const vote = 1 / usable;
    forEachChroma(region, (r, g) => {
      const bin = Math.min(BINS - 1, Math.floor(r * BINS)) * BINS + Math.min(BINS - 1, Math.floor(g * BINS));
      hist[bin] = (hist[bin] ?? 0) + vote;
    });
  }
  if (usableTotal < minPixels) return null;
  // Peak of the 3×3-smoothed histogram.
  let best = -1;
  let r0 = 0;
  let g0 = 0;
  for (let a = 0; a < BINS; a++) {
    for (let b = 0; b < BINS; b++) {
      let s = 0;
      for (let da = -1; da <= 1; da++) {
        for (let db = -1; db <= 1; db++) {
          const aa = a + da;
          const bb = b + db;
          if (aa >= 0 && aa < BINS && bb >= 0 && bb < BINS) s += hist[aa * BINS + bb] ?? 0;
        }
      }
      if (s > best) {
        best = s;
        r0 = (a + 0.5) / BINS;
        g0 = (b + 0.5) / BINS;
      }
    }
  }
  // Mean-shift steps inside the cluster window, then the cluster's spread and median luma.
  let varR = 0;
  let varG = 0;
  const lumas: number[] = [];
  for (let iter = 0; iter < 3; iter++) {
    let sr = 0;
    let sg = 0;
    let sr2 = 0;
    let sg2 = 0;
    let n = 0;
    lumas.length = 0;
    for (const region of regions) {
      forEachChroma(region, (r, g, luma) => {
        const dr = r - r0;
        const dg = g - g0;
        if (dr * dr + dg * dg > CLUSTER_RADIUS * CLUSTER_RADIUS) return;
        sr += dr;
        sg += dg;
        sr2 += dr * dr;
        sg2 += dg * dg;
        n++;
        lumas.push(luma);
      });
    }
    if (n === 0) break;
    const mr = sr / n;
    const mg = sg / n;
    r0 += mr;
    g0 += mg;
    varR = Math.max(0, sr2 / n - mr * mr);
    varG = Math.max(0, sg2 / n - mg * mg);
  }
  lumas.sort((a, b) => a - b);
  return {
    r: r0,
    g: g0,
    sigmaR: Math.max(MIN_CHROMA_SIGMA, Math.sqrt(varR)),
    sigmaG: Math.max(MIN_CHROMA_SIGMA, Math.sqrt(varG)),
    luma: lumas[Math.floor(lumas.length / 2)] ?? 0,
  };
}
