import { describe, expect, it } from '@jest/globals';
import { completeCutBox, FACE_BOX_ASPECT } from '../../../lambda/engine/models/cut-box.js';

describe('completeCutBox', () => {
  it('leaves a box away from the border alone', () => {
    const box = { x: 50, y: 50, width: 20, height: 40 };
    expect(completeCutBox(box, 200, 200)).toEqual(box);
  });

  it('extends a narrow box touching the left border to the left', () => {
    const out = completeCutBox({ x: 0, y: 50, width: 30, height: 141 }, 200, 300);
    expect(out.width).toBeCloseTo(141 / FACE_BOX_ASPECT, 9);
    expect(out.x + out.width).toBeCloseTo(30, 9);
    expect(out.y).toBe(50);
  });

  it('extends a narrow box touching the right border to the right', () => {
    const out = completeCutBox({ x: 170, y: 50, width: 30, height: 141 }, 200, 300);
    expect(out.x).toBe(170);
    expect(out.width).toBeCloseTo(100, 9);
  });

  it('extends a flat box touching the top or the bottom', () => {
    const top = completeCutBox({ x: 50, y: -1, width: 100, height: 60 }, 300, 300);
    expect(top.height).toBeCloseTo(141, 9);
    expect(top.y + top.height).toBeCloseTo(59, 9);
    const bottom = completeCutBox({ x: 50, y: 250, width: 100, height: 50 }, 300, 300);
    expect(bottom.y).toBe(250);
    expect(bottom.height).toBeCloseTo(141, 9);
  });

  it('keeps a box with a face-like shape at the border, and one spanning the whole image', () => {
    const atBorder = { x: 0, y: 50, width: 100, height: 120 };
    expect(completeCutBox(atBorder, 300, 300)).toEqual(atBorder);
    const spanning = { x: -5, y: 10, width: 210, height: 100 };
    expect(completeCutBox(spanning, 200, 300).width).toBe(210);
  });
});
