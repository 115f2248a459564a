import { describe, expect, it } from '@jest/globals';
import { roundQuality, roundTo } from '../../../lambda/engine/quality.js';
import type { FaceQuality } from '../../../lambda/engine/types.js';

describe('rounding for the wire', () => {
  it('rounds to 4 decimals, turns -0 into 0 and non-finite values into 0', () => {
    expect(roundTo(0.123456)).toBe(0.1235);
    expect(Object.is(roundTo(-0.00001), 0)).toBe(true);
    expect(roundTo(Number.NaN)).toBe(0);
  });

  it('rounds every float of a face and keeps the rect', () => {
    const face: FaceQuality = {
      rect: { left: 1, top: 2, right: 3, bottom: 4 },
      pose: { yaw: 1.234567, pitch: -2.345678, roll: 3.456789 },
      occlusion: { left_eye: 0.99999, right_eye: 0.12344, nose: 1, mouth: 0.5, total: 0.77777 },
      distance2center: 0.333333,
      size: 0.0123456,
      brightness: -0.55555,
      sharpness: 0.66666,
      mouth_open: 0.87654,
      integrity: 1,
    };
    expect(roundQuality(face)).toEqual({
      rect: { left: 1, top: 2, right: 3, bottom: 4 },
      pose: { yaw: 1.2346, pitch: -2.3457, roll: 3.4568 },
      occlusion: { left_eye: 1, right_eye: 0.1234, nose: 1, mouth: 0.5, total: 0.7778 },
      distance2center: 0.3333,
      size: 0.0123,
      brightness: -0.5555,
      sharpness: 0.6667,
      mouth_open: 0.8765,
      integrity: 1,
    });
  });
});
