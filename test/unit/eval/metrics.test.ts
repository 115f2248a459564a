import { auc, bestThreshold, mae, quantile, ranks, spearman } from '../../../scripts/eval/metrics.js';

describe('evaluation statistics', () => {
  it('auc is 1 for perfect separation, 0.5 for none, 0 for the wrong way, ties half', () => {
    expect(auc([3, 4, 5], [0, 1, 2])).toBe(1);
    expect(auc([0, 1, 2], [3, 4, 5])).toBe(0);
    expect(auc([1, 1], [1, 1])).toBe(0.5);
    expect(auc([2, 0], [1])).toBe(0.5);
    expect(auc([], [1])).toBeNaN();
  });

  it('ranks average ties; spearman is ±1 for monotone series and invariant to monotone maps', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    const x = [1, 2, 3, 4, 5, 6];
    expect(
      spearman(
        x,
        x.map((v) => v ** 3),
      ),
    ).toBeCloseTo(1, 12);
    expect(
      spearman(
        x,
        x.map((v) => -Math.exp(v)),
      ),
    ).toBeCloseTo(-1, 12);
    expect(spearman([1, 2], [1, 2])).toBeNaN();
  });

  it('mae, quantile and the best single threshold', () => {
    expect(mae([1, 2, 3], [1, 1, 1])).toBe(1);
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    const { threshold, balancedAccuracy } = bestThreshold([0.9, 0.8, 0.7], [0.1, 0.2, 0.75]);
    expect(balancedAccuracy).toBeCloseTo(5 / 6, 12);
    expect(threshold).toBeGreaterThan(0.2);
    expect(threshold).toBeLessThan(0.7);
  });
});
