/**
 * Head pose (yaw, pitch, roll in DEGREES) from the 68 landmarks: fit a generic 3D mean face with
 * a weak-perspective (scaled orthographic) camera, then read Euler angles off the rotation.
 *
 * Convention (AFLW2000-3D, as fixed by the issue): R = Rz(roll)·Ry(yaw)·Rx(pitch);
 * - yaw > 0: the face turns toward the image's LEFT (the subject's right);
 * - pitch > 0: chin up;
 * - roll > 0: the face is rotated CLOCKWISE as the viewer sees the image;
 * - frontal = 0 for all three.
 *
 * Fit: affine least squares gives a first camera; its nearest scaled rotation (SVD) seeds a
 * Gauss–Newton refinement over (rotation, scale). Pure TypeScript, no OpenCV.
 */
import type { Landmarks68 } from '../landmarks.js';
import { LANDMARK_COUNT } from '../landmarks.js';
import type { Point, Pose } from '../types.js';
import type { MeasureInput } from './types.js';

/** A 3D point in millimetres. */
export type Vec3 = readonly [number, number, number];
/** Row-major 3×3 matrix. */
export type Mat3 = readonly [Vec3, Vec3, Vec3];

/**
 * A generic adult face, hand-built for this project from average anthropometric proportions
 * (outer eye corners 90 mm apart, eye line to chin about 110 mm, nose tip about 24 mm in front of
 * the nasion, face outline at eye level about 60 mm behind it). Frame: x toward the image's right
 * for a frontal face (the subject's left), y down, z away from the camera; origin near the nasion.
 * Indices follow the iBUG 68-point scheme; the model is left/right symmetric.
 */
export const MEAN_FACE_68_MM: readonly Vec3[] = Object.freeze(
  buildSymmetricFace([
    // Jaw 0-8 (image left half to the chin); 9-16 mirror 7-0.
    [0, -74.5, 3, 68],
    [1, -73.2, 22.7, 66],
    [2, -70.2, 40.5, 62],
    [3, -66.9, 57, 56],
    [4, -60.6, 74.5, 47],
    [5, -50.6, 88.5, 36],
    [6, -39, 98.1, 24],
    [7, -23.5, 108.6, 12],
    [8, 0, 115, 6],
    // Subject's right brow 17-21 (outer to inner); 22-26 mirror it.
    [17, -59.5, -14, 24],
    [18, -50.8, -19.8, 13],
    [19, -39.2, -21.5, 6],
    [20, -28.7, -20.3, 1],
    [21, -19.2, -17, -1],
    // Nose bridge 27-30 (nasion to tip), nose base 31-33; 34-35 mirror 32-31.
    [27, 0, 3.2, 0],
    [28, 0, 16.8, -9],
    [29, 0, 29.7, -17],
    [30, 0, 41, -24],
    [31, -13.3, 44.9, 0],
    [32, -7.5, 47.3, -5],
    [33, 0, 48.8, -8],
    // Subject's right eye 36-41 (outer corner, upper lid, inner corner, lower lid); 42-47 mirror it.
    [36, -45, 0, 26],
    [37, -38.5, -3.4, 12],
    [38, -28.8, -3.5, 10],
    [39, -20.2, 1.3, 13],
    [40, -28, 3.7, 11],
    [41, -38, 3.8, 13],
    // Outer lips 48-51 and 57-59 (mirrors fill 52-56); inner lips 60-62 and 66-67 (mirrors fill 63-65).
    [48, -27, 66, 8],
    [49, -17, 61, -2],
    [50, -7, 58.5, -6],
    [51, 0, 59.5, -7],
    [57, 0, 79, -5],
    [58, -8.5, 78, -4],
    [59, -18, 74, -1],
    [60, -23, 66, 6],
    [61, -8, 65.5, -4],
    [62, 0, 66, -5],
    [66, 0, 68, -4],
    [67, -8, 67.5, -3],
  ]),
);

/** iBUG index of each point's left/right mirror image. */
export const MIRROR_68: readonly number[] = Object.freeze(buildMirrorIndex());

function buildMirrorIndex(): number[] {
  const mirror = Array.from({ length: LANDMARK_COUNT }, (_, i) => i);
  const pair = (a: number, b: number): void => {
    mirror[a] = b;
    mirror[b] = a;
  };
  for (let i = 0; i <= 7; i++) pair(i, 16 - i);
  for (let i = 17; i <= 21; i++) pair(i, 43 - i);
  pair(31, 35);
  pair(32, 34);
  pair(36, 45);
  pair(37, 44);
  pair(38, 43);
  pair(39, 42);
  pair(40, 47);
  pair(41, 46);
  for (let i = 48; i <= 50; i++) pair(i, 102 - i);
  pair(58, 56);
  pair(59, 55);
  pair(60, 64);
  pair(61, 63);
  pair(67, 65);
  return mirror;
}

function buildSymmetricFace(half: readonly (readonly [number, number, number, number])[]): Vec3[] {
  const mirror = buildMirrorIndex();
  const points: (Vec3 | undefined)[] = new Array(LANDMARK_COUNT).fill(undefined);
  for (const [i, x, y, z] of half) {
    points[i] = [x, y, z];
    const j = mirror[i] ?? i;
    if (j !== i) points[j] = [-x, y, z];
  }
  return points.map((p, i) => {
    if (p === undefined) throw new Error(`mean face point ${i} missing`);
    return p;
  });
}

/**
 * Per-point weights of the fit. The outline (0-16) is a silhouette, not fixed points on the
 * head: it slides as the head turns, so it counts less than the inner features.
 */
export const POSE_WEIGHTS_68: readonly number[] = Object.freeze(
  Array.from({ length: LANDMARK_COUNT }, (_, i) => (i <= 16 ? 0.5 : 1)),
);

const DEG = 180 / Math.PI;

/** R = Rz(roll)·Ry(yaw)·Rx(−pitch) in the model frame above (x right, y down, z away from the camera). */
export function rotationFromPose(pose: Pose): Mat3 {
  const a = -pose.pitch / DEG;
  const b = pose.yaw / DEG;
  const c = pose.roll / DEG;
  const [ca, sa, cb, sb, cc, sc] = [
    Math.cos(a),
    Math.sin(a),
    Math.cos(b),
    Math.sin(b),
    Math.cos(c),
    Math.sin(c),
  ];
  // Rz(c)·Ry(b)·Rx(a), expanded.
  return [
    [cc * cb, cc * sb * sa - sc * ca, cc * sb * ca + sc * sa],
    [sc * cb, sc * sb * sa + cc * ca, sc * sb * ca - cc * sa],
    [-sb, cb * sa, cb * ca],
  ];
}

/** Inverse of {@link rotationFromPose}: Euler angles in degrees, yaw in [−90, 90]. */
export function poseFromRotation(r: Mat3): Pose {
  const r20 = Math.min(1, Math.max(-1, r[2][0]));
  const b = Math.asin(-r20);
  let a: number;
  let c: number;
  if (Math.abs(r20) < 1 - 1e-9) {
    a = Math.atan2(r[2][1], r[2][2]);
    c = Math.atan2(r[1][0], r[0][0]);
  } else {
    // Gimbal lock (yaw = ±90°): only pitch ∓ roll is defined; report it all as pitch.
    c = 0;
    a = Math.atan2(-r[1][2], r[1][1]);
  }
  // `+ 0` turns −0 into 0.
  return { yaw: b * DEG + 0, pitch: -a * DEG + 0, roll: c * DEG + 0 };
}

/**
 * Projects the mean face at `pose` with a weak-perspective camera: `scalePxPerMm` pixels per
 * millimetre, model origin at `originPx`. Used to synthesise landmarks with known angles.
 */
export function projectMeanFace(pose: Pose, scalePxPerMm: number, originPx: Point): Point[] {
  const r = rotationFromPose(pose);
  return MEAN_FACE_68_MM.map(([x, y, z]) => ({
    x: originPx.x + scalePxPerMm * (r[0][0] * x + r[0][1] * y + r[0][2] * z),
    y: originPx.y + scalePxPerMm * (r[1][0] * x + r[1][1] * y + r[1][2] * z),
  }));
}

export interface PoseFit {
  readonly pose: Pose;
  /** Pixels per millimetre of the mean face. */
  readonly scalePxPerMm: number;
  readonly rotation: Mat3;
  /** Weighted RMS reprojection error in pixels. */
  readonly rmsErrorPx: number;
  /** The fitted mean face's 68 points in image pixels (also where the input points had weight 0). */
  readonly projectedPx: readonly Point[];
}

function cross(u: Vec3, v: Vec3): Vec3 {
  return [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
}

const dot = (u: Vec3, v: Vec3): number => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];

function matMul3(p: Mat3, q: Mat3): Mat3 {
  const col = (j: 0 | 1 | 2): Vec3 => [q[0][j], q[1][j], q[2][j]];
  const row = (r: Vec3): Vec3 => [dot(r, col(0)), dot(r, col(1)), dot(r, col(2))];
  return [row(p[0]), row(p[1]), row(p[2])];
}

/** Rotation matrix of the rotation vector `w` (Rodrigues). */
function expSo3(w: Vec3): Mat3 {
  const theta = Math.hypot(w[0], w[1], w[2]);
  if (theta < 1e-12) {
    return [
      [1, -w[2], w[1]],
      [w[2], 1, -w[0]],
      [-w[1], w[0], 1],
    ];
  }
  const [x, y, z] = [w[0] / theta, w[1] / theta, w[2] / theta];
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const t = 1 - c;
  return [
    [t * x * x + c, t * x * y - s * z, t * x * z + s * y],
    [t * x * y + s * z, t * y * y + c, t * y * z - s * x],
    [t * x * z - s * y, t * y * z + s * x, t * z * z + c],
  ];
}

/** Solves the small dense system `a·x = b` by Gaussian elimination with partial pivoting; null if singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] ?? 0]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(m[r]?.[col] ?? 0) > Math.abs(m[pivot]?.[col] ?? 0)) pivot = r;
    }
    const rowP = m[pivot];
    const rowC = m[col];
    if (rowP === undefined || rowC === undefined || Math.abs(rowP[col] ?? 0) < 1e-12) return null;
    m[pivot] = rowC;
    m[col] = rowP;
    for (let r = 0; r < n; r++) {
      const row = m[r];
      if (r === col || row === undefined) continue;
      const f = (row[col] ?? 0) / (rowP[col] ?? 1);
      for (let k = col; k <= n; k++) row[k] = (row[k] ?? 0) - f * (rowP[k] ?? 0);
    }
  }
  return m.map((row, i) => (row[n] ?? 0) / (row[i] ?? 1));
}

/** Weighted centring of the 2D landmarks and the 3D model (weak perspective: translation drops out). */
function centred(
  landmarks: Landmarks68,
  weights: readonly number[],
): { q: [number, number][]; model: Vec3[]; w: number[]; centrePx: Point } {
  let wSum = 0;
  let px = 0;
  let py = 0;
  let m: Vec3 = [0, 0, 0];
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const w = weights[i] ?? 0;
    const l = landmarks[i];
    const v = MEAN_FACE_68_MM[i];
    if (l === undefined || v === undefined) continue;
    wSum += w;
    px += w * l.x;
    py += w * l.y;
    m = [m[0] + w * v[0], m[1] + w * v[1], m[2] + w * v[2]];
  }
  if (!(wSum > 0)) throw new RangeError('pose weights must not all be zero');
  const modelCentre: Vec3 = [m[0] / wSum, m[1] / wSum, m[2] / wSum];
  return {
    q: landmarks.map((l) => [l.x - px / wSum, l.y - py / wSum]),
    model: MEAN_FACE_68_MM.map(([x, y, z]) => [x - modelCentre[0], y - modelCentre[1], z - modelCentre[2]]),
    w: [...weights],
    centrePx: { x: px / wSum, y: py / wSum },
  };
}

/** Affine 2×3 camera by weighted least squares, then its nearest scaled rotation. */
function initialFit(q: [number, number][], model: Vec3[], w: number[]): { r: Mat3; s: number } | null {
  // Normal equations: M · (Σ w Q Qᵀ) = Σ w q Qᵀ, one 3×3 solve per image axis.
  const a: number[][] = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  let bx: Vec3 = [0, 0, 0];
  let by: Vec3 = [0, 0, 0];
  for (let i = 0; i < model.length; i++) {
    const v = model[i];
    const p = q[i];
    const wi = w[i] ?? 0;
    if (v === undefined || p === undefined) continue;
    a.forEach((row, j) => {
      const vj = v[j as 0 | 1 | 2];
      row[0] = (row[0] ?? 0) + wi * vj * v[0];
      row[1] = (row[1] ?? 0) + wi * vj * v[1];
      row[2] = (row[2] ?? 0) + wi * vj * v[2];
    });
    bx = [bx[0] + wi * p[0] * v[0], bx[1] + wi * p[0] * v[1], bx[2] + wi * p[0] * v[2]];
    by = [by[0] + wi * p[1] * v[0], by[1] + wi * p[1] * v[1], by[2] + wi * p[1] * v[2]];
  }
  const m1 = solve(a, [...bx]);
  const m2 = solve(a, [...by]);
  if (m1 === null || m2 === null) return null;
  const r1: Vec3 = [m1[0] ?? 0, m1[1] ?? 0, m1[2] ?? 0];
  const r2: Vec3 = [m2[0] ?? 0, m2[1] ?? 0, m2[2] ?? 0];
  // Nearest pair of orthonormal rows: U·Vᵀ of the SVD M = U·Σ·Vᵀ, via the 2×2 matrix M·Mᵀ.
  const g11 = r1[0] * r1[0] + r1[1] * r1[1] + r1[2] * r1[2];
  const g22 = r2[0] * r2[0] + r2[1] * r2[1] + r2[2] * r2[2];
  const g12 = r1[0] * r2[0] + r1[1] * r2[1] + r1[2] * r2[2];
  const half = Math.hypot((g11 - g22) / 2, g12);
  const l1 = (g11 + g22) / 2 + half;
  const l2 = (g11 + g22) / 2 - half;
  if (!(l2 > 1e-12)) return null;
  const phi = 0.5 * Math.atan2(2 * g12, g11 - g22);
  const u1: [number, number] = [Math.cos(phi), Math.sin(phi)];
  const u2: [number, number] = [-Math.sin(phi), Math.cos(phi)];
  const [s1, s2] = [Math.sqrt(l1), Math.sqrt(l2)];
  // V columns: vₖ = Mᵀ·uₖ / σₖ.
  const combine = (c1: number, a: Vec3, c2: number, b: Vec3): Vec3 => [
    c1 * a[0] + c2 * b[0],
    c1 * a[1] + c2 * b[1],
    c1 * a[2] + c2 * b[2],
  ];
  const v1 = combine(u1[0] / s1, r1, u1[1] / s1, r2);
  const v2 = combine(u2[0] / s2, r1, u2[1] / s2, r2);
  const e1 = combine(u1[0], v1, u2[0], v2);
  const e2 = combine(u1[1], v1, u2[1], v2);
  return { r: [e1, e2, cross(e1, e2)], s: (s1 + s2) / 2 };
}

const MAX_ITERATIONS = 30;

/**
 * Fits the mean face to 68 landmarks (full-resolution pixels) and returns yaw/pitch/roll in
 * degrees (convention in the module header) with the fit's scale and RMS error.
 * Throws RangeError when `landmarks` is not a 68-point set or is degenerate (e.g. all equal).
 */
export function fitPose(landmarks: Landmarks68, weights: readonly number[] = POSE_WEIGHTS_68): PoseFit {
  if (landmarks.length !== LANDMARK_COUNT) {
    throw new RangeError(`expected ${LANDMARK_COUNT} landmarks, got ${landmarks.length}`);
  }
  const { q, model, w, centrePx } = centred(landmarks, weights);
  const init = initialFit(q, model, w);
  if (init === null) throw new RangeError('degenerate landmarks: cannot fit a head pose');
  let { r, s } = init;

  const residual = (rot: Mat3, scale: number): number => {
    let sum = 0;
    let wSum = 0;
    for (let i = 0; i < model.length; i++) {
      const v = model[i];
      const p = q[i];
      const wi = w[i] ?? 0;
      if (v === undefined || p === undefined) continue;
      const ex = p[0] - scale * (rot[0][0] * v[0] + rot[0][1] * v[1] + rot[0][2] * v[2]);
      const ey = p[1] - scale * (rot[1][0] * v[0] + rot[1][1] * v[1] + rot[1][2] * v[2]);
      sum += wi * (ex * ex + ey * ey);
      wSum += wi;
    }
    return Math.sqrt(sum / Math.max(wSum, 1e-12));
  };

  // Gauss–Newton on (ω, s) with R ← R·exp([ω]×): d(s·Π·R·Q)/dω = −s·Π·R·[Q]×, d/ds = Π·R·Q.
  let error = residual(r, s);
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    const jtj = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
    const jtr = [0, 0, 0, 0];
    for (let i = 0; i < model.length; i++) {
      const v = model[i];
      const p = q[i];
      const wi = w[i] ?? 0;
      if (v === undefined || p === undefined) continue;
      for (const axis of [0, 1] as const) {
        const ra = r[axis];
        const pred = ra[0] * v[0] + ra[1] * v[1] + ra[2] * v[2];
        // −s·Rₐ·[Q]× as a row vector equals −s·(Rₐ × Q).
        const rq = cross(ra, v);
        const jac = [-s * rq[0], -s * rq[1], -s * rq[2], pred];
        const res = p[axis] - s * pred;
        for (let j = 0; j < 4; j++) {
          const jj = jac[j] ?? 0;
          jtr[j] = (jtr[j] ?? 0) + wi * jj * res;
          const row = jtj[j];
          if (row === undefined) continue;
          for (let k = 0; k < 4; k++) row[k] = (row[k] ?? 0) + wi * jj * (jac[k] ?? 0);
        }
      }
    }
    const delta = solve(jtj, jtr);
    if (delta === null) break;
    const omega: Vec3 = [delta[0] ?? 0, delta[1] ?? 0, delta[2] ?? 0];
    const nextR = matMul3(r, expSo3(omega));
    const nextS = s + (delta[3] ?? 0);
    const nextError = residual(nextR, nextS);
    if (!(nextError <= error)) break;
    const step = Math.hypot(...omega);
    r = nextR;
    s = nextS;
    error = nextError;
    if (step < 1e-10) break;
  }
  const projectedPx = model.map(([x, y, z]) => ({
    x: centrePx.x + s * (r[0][0] * x + r[0][1] * y + r[0][2] * z),
    y: centrePx.y + s * (r[1][0] * x + r[1][1] * y + r[1][2] * z),
  }));
  return { pose: poseFromRotation(r), scalePxPerMm: s, rotation: r, rmsErrorPx: error, projectedPx };
}

/** yaw/pitch/roll in degrees of 68 landmarks (see {@link fitPose}). */
export function estimatePose(landmarks: Landmarks68): Pose {
  return fitPose(landmarks).pose;
}

/**
 * `pose` of one face, in degrees; null when no head pose can be fitted (landmarks that are not 68
 * finite points, collapsed or collinear ones, or a fit that overflows). There is no honest pose to
 * report then — zeros would read as "frontal" — so `assessFace` treats the face as unmeasurable.
 */
export function measurePose(input: MeasureInput): Pose | null {
  let pose: Pose;
  try {
    pose = estimatePose(input.landmarks);
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
  // Non-finite points (or huge ones that overflow) give NaN angles rather than a RangeError.
  return [pose.yaw, pose.pitch, pose.roll].every(Number.isFinite) ? pose : null;
}
