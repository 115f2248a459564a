import { describe, expect, it } from '@jest/globals';
import type { Landmarks68 } from '../../../lambda/engine/landmarks.js';
import {
  estimatePose,
  fitPose,
  MEAN_FACE_68_MM,
  MIRROR_68,
  measurePose,
  poseFromRotation,
  projectMeanFace,
  rotationFromPose,
} from '../../../lambda/engine/measures/pose.js';
import type { Point, Pose, RawImage } from '../../../lambda/engine/types.js';

const ORIGIN: Point = { x: 400, y: 300 };

/** Deterministic pseudo-random numbers in [-1, 1). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

function expectPoseClose(actual: Pose, expected: Pose, tolDeg: number): void {
  expect(Math.abs(actual.yaw - expected.yaw)).toBeLessThan(tolDeg);
  expect(Math.abs(actual.pitch - expected.pitch)).toBeLessThan(tolDeg);
  expect(Math.abs(actual.roll - expected.roll)).toBeLessThan(tolDeg);
}

/** Image-space mirror of landmarks: x → −x and left/right points swapped (what mirroring a photo does). */
function mirrorLandmarks(points: Landmarks68): Point[] {
  return points.map((_, i) => {
    const p = points[MIRROR_68[i] ?? i];
    if (p === undefined) throw new Error('missing point');
    return { x: 1000 - p.x, y: p.y };
  });
}

describe('the mean face', () => {
  it('has 68 left/right symmetric points', () => {
    expect(MEAN_FACE_68_MM).toHaveLength(68);
    MEAN_FACE_68_MM.forEach((p, i) => {
      const q = MEAN_FACE_68_MM[MIRROR_68[i] ?? i];
      expect(q?.[0]).toBeCloseTo(-p[0], 9);
      expect(q?.[1]).toBe(p[1]);
      expect(q?.[2]).toBe(p[2]);
    });
  });

  it('puts the nose tip in front of the eyes and the subject-left eye on the image right', () => {
    const noseTip = MEAN_FACE_68_MM[30];
    const leftEyeOuter = MEAN_FACE_68_MM[45];
    expect(noseTip?.[2]).toBeLessThan(leftEyeOuter?.[2] ?? 0);
    expect(leftEyeOuter?.[0]).toBeGreaterThan(0);
  });
});

describe('rotationFromPose / poseFromRotation', () => {
  it.each([
    { yaw: 0, pitch: 0, roll: 0 },
    { yaw: 35, pitch: -20, roll: 10 },
    { yaw: -70, pitch: 30, roll: -45 },
    { yaw: 10, pitch: 80, roll: 170 },
  ])('round-trips %o', (pose) => {
    expectPoseClose(poseFromRotation(rotationFromPose(pose)), pose, 1e-9);
  });

  it('follows the AFLW2000-3D signs on the projected mean face', () => {
    const frontal = projectMeanFace({ yaw: 0, pitch: 0, roll: 0 }, 1, ORIGIN);
    // yaw > 0: the face turns toward the image's left, so the nose tip moves left.
    const yawed = projectMeanFace({ yaw: 30, pitch: 0, roll: 0 }, 1, ORIGIN);
    expect(yawed[30]?.x).toBeLessThan(frontal[30]?.x ?? 0);
    // pitch > 0: chin up, so the nose tip moves up (y down in images).
    const pitched = projectMeanFace({ yaw: 0, pitch: 20, roll: 0 }, 1, ORIGIN);
    expect(pitched[30]?.y).toBeLessThan(frontal[30]?.y ?? 0);
    // roll > 0: clockwise on screen, so the image-right jaw end moves down.
    const rolled = projectMeanFace({ yaw: 0, pitch: 0, roll: 20 }, 1, ORIGIN);
    expect(rolled[16]?.y).toBeGreaterThan(frontal[16]?.y ?? 0);
  });
});

describe('fitPose', () => {
  const poses: Pose[] = [];
  for (const yaw of [-75, -40, -10, 0, 25, 60]) {
    for (const pitch of [-30, 0, 20]) {
      for (const roll of [-35, 0, 15]) poses.push({ yaw, pitch, roll });
    }
  }

  it.each(poses)('recovers %o from exact projections', (pose) => {
    const fit = fitPose(projectMeanFace(pose, 2.7, ORIGIN));
    expectPoseClose(fit.pose, pose, 1e-6);
    expect(fit.scalePxPerMm).toBeCloseTo(2.7, 6);
    expect(fit.rmsErrorPx).toBeLessThan(1e-6);
  });

  it('stays within a few degrees under landmark noise of 2% of the eye distance', () => {
    const rand = noise(7);
    const scale = 1.5;
    // Outer eye corners are 90 mm apart: 2% of that in pixels.
    const sigmaPx = 0.02 * 90 * scale;
    for (const pose of [
      { yaw: 20, pitch: 10, roll: -5 },
      { yaw: -45, pitch: -15, roll: 20 },
    ]) {
      const noisy = projectMeanFace(pose, scale, ORIGIN).map((p) => ({
        x: p.x + sigmaPx * rand(),
        y: p.y + sigmaPx * rand(),
      }));
      expectPoseClose(estimatePose(noisy), pose, 4);
    }
  });

  it('adds the image rotation to roll and ignores translation and scale', () => {
    const pose = { yaw: 25, pitch: -10, roll: 5 };
    const points = projectMeanFace(pose, 2, ORIGIN);
    const theta = (12 * Math.PI) / 180;
    const turned = points.map((p) => ({
      x: 50 + 0.5 * (Math.cos(theta) * p.x - Math.sin(theta) * p.y),
      y: -20 + 0.5 * (Math.sin(theta) * p.x + Math.cos(theta) * p.y),
    }));
    expectPoseClose(estimatePose(turned), { ...pose, roll: pose.roll + 12 }, 1e-6);
  });

  it('negates yaw and roll and keeps pitch for mirrored landmarks', () => {
    const pose = { yaw: 33, pitch: 12, roll: -17 };
    const mirrored = estimatePose(mirrorLandmarks(projectMeanFace(pose, 2, ORIGIN)));
    expectPoseClose(mirrored, { yaw: -33, pitch: 12, roll: 17 }, 1e-6);
  });

  it('rejects a set that is not 68 points or is degenerate', () => {
    expect(() => fitPose([{ x: 0, y: 0 }])).toThrow(RangeError);
    expect(() => fitPose(Array.from({ length: 68 }, () => ({ x: 5, y: 5 })))).toThrow(RangeError);
  });
});

describe('measurePose', () => {
  const image: RawImage = { width: 1, height: 1, channels: 3, data: new Uint8Array(3) };
  const box = { x: 0, y: 0, width: 1, height: 1 };

  it('reports degrees for a face', () => {
    const pose = { yaw: -20, pitch: 5, roll: 8 };
    const measured = measurePose({ image, box, landmarks: projectMeanFace(pose, 1, ORIGIN) });
    if (measured === null) throw new Error('no pose for a clean projection');
    expectPoseClose(measured, pose, 1e-6);
  });

  it('has no pose (null, not a frontal default) for landmarks it cannot fit', () => {
    const collapsed = Array.from({ length: 68 }, () => ({ x: 1, y: 1 }));
    const collinear = Array.from({ length: 68 }, (_, i) => ({ x: i, y: 2 * i }));
    const notFinite = projectMeanFace({ yaw: 0, pitch: 0, roll: 0 }, 1, ORIGIN).map((p, i) =>
      i === 30 ? { x: Number.NaN, y: p.y } : p,
    );
    for (const landmarks of [[], collapsed, collinear, notFinite]) {
      expect(measurePose({ image, box, landmarks })).toBeNull();
    }
  });
});
