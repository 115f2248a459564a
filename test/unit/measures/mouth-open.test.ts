import {
  closednessFromRatio,
  measureMouthOpen,
  mouthOpeningRatio,
} from '../../../lambda/engine/measures/mouth-open.js';
import { syntheticFace } from './synthetic-face.js';

const face = (mouthGap: number) =>
  syntheticFace({ width: 300, height: 320, cx: 150, cy: 160, iodPx: 90, mouthGap });

describe('measureMouthOpen (1 = closed)', () => {
  test('closed lips score 1, opening lowers the score monotonically', () => {
    const scores = [0, 0.1, 0.2, 0.3, 0.5].map((gap) => measureMouthOpen(face(gap)));
    expect(scores[0]).toBe(1);
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThan(scores[i - 1] ?? 0);
    expect(scores[4]).toBeLessThan(0.1);
  });

  test('the score depends on the gap relative to mouth width, not on face size', () => {
    const small = syntheticFace({ width: 100, height: 110, cx: 50, cy: 55, iodPx: 30, mouthGap: 0.2 });
    expect(measureMouthOpen(small)).toBeCloseTo(measureMouthOpen(face(0.2)), 6);
  });

  test('degenerate landmarks: a collapsed mouth reads closed, unusable landmarks are refused', () => {
    const base = face(0.2);
    expect(mouthOpeningRatio(base.landmarks.map(() => ({ x: 1, y: 1 })))).toBe(0);
    expect(measureMouthOpen({ ...base, landmarks: base.landmarks.map(() => ({ x: 1, y: 1 })) })).toBe(1);
    expect(() => measureMouthOpen({ ...base, landmarks: [] })).toThrow(RangeError);
    const nan = base.landmarks.map(() => ({ x: Number.NaN, y: 1 }));
    expect(() => measureMouthOpen({ ...base, landmarks: nan })).toThrow(RangeError);
    expect(closednessFromRatio(Number.NaN)).toBeNaN();
    expect(closednessFromRatio(Number.POSITIVE_INFINITY)).toBe(0);
  });
});
