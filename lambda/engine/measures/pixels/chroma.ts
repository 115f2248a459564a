/**
 * Intensity-free chromaticity (r = R/(R+G+B), g = G/(R+G+B)) and a robust reference model of the
 * face's own skin: the densest chromaticity over several reference regions, each region casting a
 * fixed total vote, so that one region covered by a hat, hair or a mask cannot outvote the rest.
 * Within a region, pixels vote more when they look like skin at all: reddish rather than neutral or
 * blue (white, blue and black masks, grey hats) and not among the region's darkest (hair, black
 * cloth, sunglasses). In a greyscale photo every pixel is neutral, so the prior is flat there.
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

/** Vote weight in [0.1, 1] of a chromaticity by how skin-like its hue is: skin has r clearly above g and g above b. */
function skinHuePrior(r: number, g: number): number {
  const b = 1 - r - g;
  const reddish = Math.min(1, Math.max(0, (r - g - 0.01) / 0.04));
  return 0.1 + 0.9 * (g >= b - 0.02 ? reddish : 0);
}

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
 * Builds the skin model from reference regions; `votes[i]` (default 1) is region i's total vote.
 * Returns null when fewer than `minPixels` samples in all are bright enough to have a chromaticity.
 */
export function fitSkinModel(
  regions: readonly RgbSamples[],
  votes: readonly number[] = [],
  minPixels = 8,
): SkinModel | null {
  const hist = new Float64Array(BINS * BINS);
  let usableTotal = 0;
  let maxLuma = 0;
  for (const region of regions) {
    forEachChroma(region, (_r, _g, luma) => {
      usableTotal++;
      if (luma > maxLuma) maxLuma = luma;
    });
  }
  if (usableTotal < minPixels) return null;
  // Each pixel votes its region's share times its skin-likeness (at most 1), so a region that is all
  // mask or hair casts a small vote instead of a full one.
  const weight = (r: number, g: number, luma: number): number =>
    skinHuePrior(r, g) * (0.3 + 0.7 * Math.min(1, Math.max(0, (luma / maxLuma - 0.2) / 0.3)));
  regions.forEach((region, i) => {
    let count = 0;
    forEachChroma(region, () => {
      count++;
    });
    if (count === 0) return;
    const share = (votes[i] ?? 1) / count;
    forEachChroma(region, (r, g, luma) => {
      const bin = Math.min(BINS - 1, Math.floor(r * BINS)) * BINS + Math.min(BINS - 1, Math.floor(g * BINS));
      hist[bin] = (hist[bin] ?? 0) + weight(r, g, luma) * share;
    });
  });
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
