/** Statistics of the evaluation: rank AUC, Spearman correlation, means and quantiles. Pure. */

/**
 * P(a random `high` score > a random `low` score), ties counting half: 1 = perfect separation in the
 * expected direction, 0.5 = none. NaN when a group is empty.
 */
export function auc(high: readonly number[], low: readonly number[]): number {
  if (high.length === 0 || low.length === 0) return Number.NaN;
  const all = [...high.map((v) => ({ v, h: 1 })), ...low.map((v) => ({ v, h: 0 }))].sort((a, b) => a.v - b.v);
  let rankSumHigh = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]?.v === all[i]?.v) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]?.h === 1) rankSumHigh += midRank;
    i = j;
  }
  return (rankSumHigh - (high.length * (high.length + 1)) / 2) / (high.length * low.length);
}

/** Ranks 1..n with ties given their mean rank. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const out = new Array<number>(values.length).fill(0);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]?.v === order[i]?.v) j++;
    for (let k = i; k < j; k++) {
      const item = order[k];
      if (item !== undefined) out[item.i] = (i + 1 + j) / 2;
    }
    i = j;
  }
  return out;
}

/** Pearson correlation; NaN for fewer than 3 pairs or a constant series. */
export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n < 3) return Number.NaN;
  const ma = mean(a.slice(0, n));
  const mb = mean(b.slice(0, n));
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] ?? 0) - ma;
    const db = (b[i] ?? 0) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN;
}

/** Spearman rank correlation (Pearson on tie-averaged ranks). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  return pearson(ranks(a), ranks(b));
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Mean absolute difference of paired values. */
export function mae(predicted: readonly number[], truth: readonly number[]): number {
  return mean(predicted.map((p, i) => Math.abs(p - (truth[i] ?? Number.NaN))));
}

/** The `p`-quantile (0..1) by nearest rank on the sorted values; NaN when empty. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))] ?? Number.NaN;
}

/** Share of `values` for which `test` holds; NaN when empty. */
export function share<T>(values: readonly T[], test: (v: T) => boolean): number {
  if (values.length === 0) return Number.NaN;
  let n = 0;
  for (const v of values) if (test(v)) n++;
  return n / values.length;
}

/**
 * The threshold that best separates `high` from `low` (maximal balanced accuracy) and that
 * accuracy: what an app that sets one threshold gets.
 */
export function bestThreshold(
  high: readonly number[],
  low: readonly number[],
): { threshold: number; balancedAccuracy: number } {
  const candidates = [...new Set([...high, ...low])].sort((a, b) => a - b);
  let best = { threshold: Number.NaN, balancedAccuracy: Number.NaN };
  for (let i = 0; i < candidates.length; i++) {
    const a = candidates[i] ?? 0;
    const t = i + 1 < candidates.length ? (a + (candidates[i + 1] ?? a)) / 2 : a + 1e-9;
    const tpr = share(high, (v) => v > t);
    const tnr = share(low, (v) => v <= t);
    const acc = (tpr + tnr) / 2;
    if (!(acc <= best.balancedAccuracy)) best = { threshold: t, balancedAccuracy: acc };
  }
  return best;
}
