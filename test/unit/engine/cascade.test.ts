import { isHumanFace, mergeDetections, needsSsd, toSsdGeometry } from '../../../lambda/engine/cascade.js';
import {
  BLAZEFACE_INPUT_PX,
  blazefaceAnchors,
  decodeBlazeface,
} from '../../../lambda/engine/models/blazeface.js';
import { iou, nonMaxSuppression } from '../../../lambda/engine/models/nms.js';

const box = (x: number, y: number, width: number, height = width) => ({ x, y, width, height });

describe('non-maximum suppression', () => {
  test('iou of identical, disjoint and half-overlapping boxes', () => {
    expect(iou(box(0, 0, 10), box(0, 0, 10))).toBe(1);
    expect(iou(box(0, 0, 10), box(20, 0, 10))).toBe(0);
    expect(iou(box(0, 0, 10), box(5, 0, 10))).toBeCloseTo(50 / 150, 12);
  });

  test('keeps the best of overlapping boxes and every separate one', () => {
    const kept = nonMaxSuppression(
      [
        { box: box(0, 0, 10), score: 0.6 },
        { box: box(1, 0, 10), score: 0.9 },
        { box: box(50, 50, 10), score: 0.7 },
      ],
      0.3,
    );
    expect(kept.map((d) => d.score)).toEqual([0.9, 0.7]);
  });
});

describe('BlazeFace decoding', () => {
  test('896 anchors: 2 per 16-px cell, then 6 per 32-px cell', () => {
    const anchors = blazefaceAnchors();
    expect(anchors.length).toBe(896 * 2);
    expect([anchors[0], anchors[1]]).toEqual([8, 8]);
    expect([anchors[512 * 2], anchors[512 * 2 + 1]]).toEqual([16, 16]);
  });

  test('a box is the anchor plus its offset, scaled from the input to the square it showed', () => {
    const anchors = Float32Array.from([8, 8, 100, 60]);
    const raw = new Float32Array(2 * 17);
    raw[0] = -5; // sigmoid ≈ 0.007: below the threshold
    raw[17] = 2; // sigmoid ≈ 0.88
    raw.set([4, -2, 40, 50], 18);
    const found = decodeBlazeface(raw, anchors, 2 * BLAZEFACE_INPUT_PX, 0.5);
    expect(found).toHaveLength(1);
    expect(found[0]?.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 9);
    expect(found[0]?.box).toEqual({ x: 2 * (104 - 20), y: 2 * (58 - 25), width: 80, height: 100 });
  });
});

describe('cascade decisions', () => {
  const config = { blazefaceSureScore: 0.75, blazefaceMinFaceShare: 0.1 };

  test('SSD looks when BlazeFace found nothing, was unsure, or saw a small face', () => {
    expect(needsSsd([], 640, config)).toBe(true);
    expect(needsSsd([{ box: box(0, 0, 200), score: 0.9 }], 640, config)).toBe(false);
    expect(needsSsd([{ box: box(0, 0, 200), score: 0.6 }], 640, config)).toBe(true);
    expect(needsSsd([{ box: box(0, 0, 40), score: 0.9 }], 640, config)).toBe(true);
  });

  test('merging keeps SSD boxes where both found a face and adds what only BlazeFace found', () => {
    const ssd = [{ box: box(0, 0, 100), score: 0.8 }];
    const blaze = [
      { box: box(5, 5, 90), score: 0.95 },
      { box: box(300, 0, 80), score: 0.9 },
    ];
    expect(mergeDetections(ssd, blaze, 0.3).map((d) => d.box.x)).toEqual([0, 300]);
  });

  test('a box is a face when FaceMesh is sure, or when SSD is sure and FaceMesh does not rule it out', () => {
    const verify = { verifyMinScore: 0.5, verifyMinScoreWithSsd: 0.05, minDetectionScore: 0.5 };
    expect(isHumanFace(0.6, undefined, verify)).toBe(true);
    expect(isHumanFace(0.3, undefined, verify)).toBe(false);
    expect(isHumanFace(0.3, 0.9, verify)).toBe(true);
    expect(isHumanFace(0.05, 0.5, verify)).toBe(true);
    // SSD below its own threshold (a box kept at the border's lower threshold) does not vouch.
    expect(isHumanFace(0.3, 0.4, verify)).toBe(false);
    // The cat: SSD sure, FaceMesh certain it is no face.
    expect(isHumanFace(0.009, 0.93, verify)).toBe(false);
    // Equal thresholds turn the rule off.
    expect(isHumanFace(0.3, 0.9, { ...verify, verifyMinScoreWithSsd: 0.5 })).toBe(false);
  });

  test('the geometry mapping moves and scales about the box centre', () => {
    const mapped = toSsdGeometry(box(100, 100, 100), { dx: 0.1, dy: -0.2, width: 1.2, height: 1.5 });
    expect(mapped.x + mapped.width / 2).toBeCloseTo(160, 9);
    expect(mapped.y + mapped.height / 2).toBeCloseTo(130, 9);
    expect(mapped.width).toBeCloseTo(120, 9);
    expect(mapped.height).toBeCloseTo(150, 9);
  });
});
