import { describe, expect, it } from '@jest/globals';
import { completeCutFace } from '../../../lambda/engine/measures/cut-face.js';
import {
  clipToRect,
  convexHull,
  fiveFeatures,
  polygonArea,
} from '../../../lambda/engine/measures/five-features.js';
import { fitPose, projectMeanFace } from '../../../lambda/engine/measures/pose.js';
import type { Point } from '../../../lambda/engine/types.js';

const POSE = { yaw: 12, pitch: -5, roll: 4 };
/** A mean face about 240 px wide centred at (300, 300). */
const FACE = projectMeanFace(POSE, 1.6, { x: 300, y: 300 });

/** What the landmark net does with the unseen part: pulls the points outside the image most of the way to its border. */
const squeeze = (points: readonly Point[], widthPx: number, heightPx: number): Point[] => {
  const pull = (v: number, maxPx: number): number =>
    v < 0 ? 0.3 * v : v > maxPx ? maxPx + 0.3 * (v - maxPx) : v;
  return points.map((p) => ({ x: pull(p.x, widthPx), y: pull(p.y, heightPx) }));
};

/** Share of the true hull inside the image. */
const trueShare = (widthPx: number, heightPx: number): number => {
  const hull = convexHull(FACE);
  return polygonArea(clipToRect(hull, widthPx, heightPx)) / polygonArea(hull);
};

const integrityOf = (points: readonly Point[], widthPx: number, heightPx: number): number => {
  const ff = fiveFeatures(points, widthPx, heightPx);
  return ff.visibleAreaPx2 / ff.areaPx2;
};

describe('fitPose projection', () => {
  it('reproduces the landmarks it was fitted to, also where they had no weight', () => {
    const weights = FACE.map((p) => (p.x < 300 ? 1 : 0));
    const fit = fitPose(FACE, weights);
    FACE.forEach((p, i) => {
      expect(fit.projectedPx[i]?.x).toBeCloseTo(p.x, 6);
      expect(fit.projectedPx[i]?.y).toBeCloseTo(p.y, 6);
    });
  });
});

describe('completeCutFace', () => {
  it('leaves a face inside the image exactly as it is', () => {
    expect(completeCutFace(FACE, 600, 600)).toBe(FACE);
  });

  it.each([
    ['right', 300, 600],
    ['bottom', 600, 330],
    ['right and bottom', 360, 380],
  ])('restores the part cut off at the %s border', (_, widthPx, heightPx) => {
    const seen = squeeze(FACE, widthPx, heightPx);
    const truth = trueShare(widthPx, heightPx);
    expect(truth).toBeLessThan(0.8);
    // The squeezed hull overstates integrity; the completed one matches the truth.
    expect(integrityOf(seen, widthPx, heightPx)).toBeGreaterThan(truth + 0.1);
    expect(integrityOf(completeCutFace(seen, widthPx, heightPx), widthPx, heightPx)).toBeCloseTo(truth, 2);
  });

  it('keeps the raw points when too few lie well inside the image', () => {
    const seen = squeeze(FACE, 600, 170);
    expect(completeCutFace(seen, 600, 170)).toBe(seen);
  });

  it('keeps the raw points when they do not look like a face', () => {
    const grid = Array.from({ length: 68 }, (_, i) => ({
      x: -40 + (i % 9) * 30,
      y: 20 + Math.floor(i / 9) * 30,
    }));
    expect(completeCutFace(grid, 400, 400)).toBe(grid);
  });
});
