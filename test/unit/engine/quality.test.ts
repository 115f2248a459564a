import { describe, expect, it } from '@jest/globals';
import { assessFace, roundQuality, roundTo } from '../../../lambda/engine/quality.js';
import type { FaceQuality } from '../../../lambda/engine/types.js';
import { syntheticFace } from '../measures/synthetic-face.js';

const FACE: FaceQuality = {
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

describe('rounding for the wire', () => {
  it('rounds to 4 decimals and turns -0 into 0, but never turns NaN into a number', () => {
    expect(roundTo(0.123456)).toBe(0.1235);
    expect(Object.is(roundTo(-0.00001), 0)).toBe(true);
    expect(roundTo(Number.NaN)).toBeNaN();
  });

  it('rounds every float of a face and keeps the rect', () => {
    expect(roundQuality(FACE)).toEqual({
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

  it('drops a face with any non-finite value (last-resort guard) instead of sending it', () => {
    expect(roundQuality({ ...FACE, sharpness: Number.NaN })).toBeNull();
    expect(roundQuality({ ...FACE, pose: { ...FACE.pose, yaw: Number.POSITIVE_INFINITY } })).toBeNull();
    expect(roundQuality({ ...FACE, occlusion: { ...FACE.occlusion, nose: Number.NaN } })).toBeNull();
    expect(roundQuality({ ...FACE, rect: { ...FACE.rect, left: Number.NaN } })).toBeNull();
  });
});

describe('assessFace', () => {
  const face = syntheticFace({ width: 200, height: 220, cx: 100, cy: 115, iodPx: 60 });

  it('measures a drawn frontal face with finite values', () => {
    const quality = assessFace(face);
    if (quality === null) throw new Error('the drawn face was not measurable');
    expect(roundQuality(quality)).not.toBeNull();
    expect(Math.abs(quality.pose.roll)).toBeLessThan(5);
  });

  it('has no result (not a frontal, visible default) for degenerate landmarks', () => {
    const collapsed = face.landmarks.map(() => ({ x: 100, y: 100 }));
    const collinear = face.landmarks.map((p) => ({ x: p.x, y: p.x }));
    const notFinite = face.landmarks.map((p, i) => (i === 8 ? { x: Number.NaN, y: p.y } : p));
    for (const landmarks of [[], collapsed, collinear, notFinite]) {
      expect(assessFace({ ...face, landmarks })).toBeNull();
    }
  });
});
