import { describe, expect, it } from '@jest/globals';
import {
  distance2centerFrom,
  measureDistance2Center,
} from '../../../lambda/engine/measures/distance2center.js';
import {
  clipToRect,
  convexHull,
  fiveFeatures,
  polygonArea,
  polygonCentroid,
} from '../../../lambda/engine/measures/five-features.js';
import { integrityFrom, measureIntegrity } from '../../../lambda/engine/measures/integrity.js';
import { measureSize, sizeFrom } from '../../../lambda/engine/measures/size.js';
import type { MeasureInput } from '../../../lambda/engine/measures/types.js';
import type { Point, RawImage } from '../../../lambda/engine/types.js';

const square = (x: number, y: number, side: number): Point[] => [
  { x, y },
  { x: x + side, y },
  { x: x + side, y: y + side },
  { x, y: y + side },
];

/** 68 points: the corners of a square plus points inside it (a stand-in landmark set). */
function squareLandmarks(x: number, y: number, side: number): Point[] {
  const points = square(x, y, side);
  for (let i = points.length; i < 68; i++) {
    points.push({
      x: x + side * (0.1 + (0.8 * ((i * 37) % 64)) / 64),
      y: y + side * (0.1 + (0.8 * ((i * 11) % 64)) / 64),
    });
  }
  return points;
}

function input(width: number, height: number, landmarks: Point[]): MeasureInput {
  const image: RawImage = { width, height, channels: 3, data: new Uint8Array(width * height * 3) };
  return { image, landmarks, box: { x: 0, y: 0, width: 1, height: 1 } };
}

describe('polygon geometry', () => {
  it('hull keeps only the extreme points', () => {
    const hull = convexHull(squareLandmarks(10, 20, 100));
    expect(hull).toHaveLength(4);
    expect(polygonArea(hull)).toBeCloseTo(10000, 9);
  });

  it('area and centroid of a triangle', () => {
    const triangle = [
      { x: 0, y: 0 },
      { x: 6, y: 0 },
      { x: 0, y: 3 },
    ];
    expect(polygonArea(triangle)).toBeCloseTo(9, 12);
    expect(polygonCentroid(triangle)).toEqual({ x: 2, y: 1 });
    // Vertex order does not change the result.
    expect(polygonArea([...triangle].reverse())).toBeCloseTo(9, 12);
    expect(polygonCentroid([...triangle].reverse())).toEqual({ x: 2, y: 1 });
  });

  it('centroid of a degenerate polygon is its vertex mean', () => {
    expect(
      polygonCentroid([
        { x: 1, y: 1 },
        { x: 3, y: 3 },
      ]),
    ).toEqual({ x: 2, y: 2 });
    expect(
      polygonArea([
        { x: 1, y: 1 },
        { x: 3, y: 3 },
      ]),
    ).toBe(0);
  });

  it('clipping keeps an inside polygon, halves a straddling one and empties an outside one', () => {
    expect(polygonArea(clipToRect(square(10, 10, 20), 100, 100))).toBeCloseTo(400, 9);
    expect(polygonArea(clipToRect(square(-10, 10, 20), 100, 100))).toBeCloseTo(200, 9);
    expect(polygonArea(clipToRect(square(90, 90, 20), 100, 100))).toBeCloseTo(100, 9);
    expect(clipToRect(square(200, 10, 20), 100, 100)).toEqual([]);
    // A polygon larger than the image keeps exactly the image.
    expect(polygonArea(clipToRect(square(-50, -50, 300), 100, 80))).toBeCloseTo(8000, 9);
  });
});

describe('fiveFeatures', () => {
  it('measures the landmark hull and its in-image part', () => {
    const ff = fiveFeatures(squareLandmarks(-20, 0, 40), 100, 100);
    expect(ff.areaPx2).toBeCloseTo(1600, 9);
    expect(ff.visibleAreaPx2).toBeCloseTo(800, 9);
    expect(ff.centre.x).toBeCloseTo(0, 9);
    expect(ff.centre.y).toBeCloseTo(20, 9);
  });
});

describe('distance2center', () => {
  it('is 1 at the centre, falls linearly and is floored at 0', () => {
    expect(distance2centerFrom({ x: 50, y: 40 }, 100, 80)).toBe(1);
    // 20 px off on an 80-px short side.
    expect(distance2centerFrom({ x: 70, y: 40 }, 100, 80)).toBeCloseTo(0.75, 12);
    expect(distance2centerFrom({ x: 500, y: 40 }, 100, 80)).toBe(0);
    expect(distance2centerFrom({ x: 50, y: 40 }, 0, 80)).toBe(0);
  });

  it('uses the area centroid of the landmark hull', () => {
    expect(measureDistance2Center(input(200, 100, squareLandmarks(80, 30, 40)))).toBe(1);
    expect(measureDistance2Center(input(200, 100, squareLandmarks(130, 30, 40)))).toBeCloseTo(0.5, 9);
  });
});

describe('size', () => {
  it('is the in-image hull area over the image area', () => {
    expect(measureSize(input(100, 100, squareLandmarks(10, 10, 50)))).toBeCloseTo(0.25, 9);
    expect(measureSize(input(100, 100, squareLandmarks(-25, 10, 50)))).toBeCloseTo(0.125, 9);
    expect(measureSize(input(100, 100, squareLandmarks(-500, 10, 50)))).toBe(0);
    expect(measureSize(input(10, 10, squareLandmarks(-5, -5, 50)))).toBe(1);
  });

  it('guards against empty images', () => {
    expect(sizeFrom(10, 0, 10)).toBe(0);
  });
});

describe('integrity', () => {
  it('is the in-image share of the hull', () => {
    expect(measureIntegrity(input(100, 100, squareLandmarks(10, 10, 50)))).toBe(1);
    expect(measureIntegrity(input(100, 100, squareLandmarks(-25, 10, 50)))).toBeCloseTo(0.5, 9);
    expect(measureIntegrity(input(100, 100, squareLandmarks(-25, -25, 50)))).toBeCloseTo(0.25, 9);
    expect(measureIntegrity(input(100, 100, squareLandmarks(-500, 10, 50)))).toBe(0);
  });

  it('is 0 for a degenerate hull', () => {
    expect(integrityFrom(0, 0)).toBe(0);
    expect(
      measureIntegrity(
        input(
          100,
          100,
          Array.from({ length: 68 }, () => ({ x: 5, y: 5 })),
        ),
      ),
    ).toBe(0);
  });
});
