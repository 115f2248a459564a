import { describe, expect, it } from '@jest/globals';
import { rectAreaPx2, rectFromBox } from '../../../lambda/engine/measures/rect.js';

describe('rectFromBox', () => {
  it('rounds a box inside the image to integer edges', () => {
    expect(rectFromBox({ x: 10.4, y: 20.6, width: 30.2, height: 40 }, 100, 100)).toEqual({
      left: 10,
      top: 21,
      right: 41,
      bottom: 61,
    });
  });

  it('clamps a box crossing the border to the image', () => {
    const rect = rectFromBox({ x: -15, y: 90, width: 40, height: 30 }, 100, 100);
    expect(rect).toEqual({ left: 0, top: 90, right: 25, bottom: 100 });
    expect(rectAreaPx2(rect)).toBe(250);
  });

  it('gives an empty rect for a box outside the image', () => {
    const rect = rectFromBox({ x: 150, y: 10, width: 40, height: 30 }, 100, 100);
    expect(rect.left).toBe(100);
    expect(rectAreaPx2(rect)).toBe(0);
  });
});
