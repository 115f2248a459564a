/** A contract-shaped face for tests that fake the engine (HTTP, CLI): every field in its range. */
import type { FaceQuality } from '../../lambda/engine/types.js';

export const SAMPLE_FACE: FaceQuality = Object.freeze({
  rect: { left: 1, top: 2, right: 30, bottom: 40 },
  pose: { yaw: 1, pitch: 2, roll: 3 },
  occlusion: { left_eye: 1, right_eye: 1, nose: 1, mouth: 1, total: 1 },
  distance2center: 0.5,
  size: 0.1,
  brightness: 0,
  sharpness: 0.9,
  mouth_open: 0.9,
  integrity: 1,
});
