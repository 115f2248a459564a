import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_ENGINE_CONFIG, resolveEngineConfig } from '../../../lambda/engine/config.js';

describe('engine config', () => {
  it('defaults to the installed face-api models and tfjs wasm binaries', () => {
    expect(
      existsSync(join(DEFAULT_ENGINE_CONFIG.modelsDir, 'ssd_mobilenetv1_model-weights_manifest.json')),
    ).toBe(true);
    expect(
      existsSync(join(DEFAULT_ENGINE_CONFIG.modelsDir, 'face_landmark_68_model-weights_manifest.json')),
    ).toBe(true);
    expect(existsSync(join(DEFAULT_ENGINE_CONFIG.wasmDir, 'tfjs-backend-wasm-simd.wasm'))).toBe(true);
    expect(DEFAULT_ENGINE_CONFIG.detectMaxSidePx).toBe(640);
    expect(Object.isFrozen(DEFAULT_ENGINE_CONFIG)).toBe(true);
  });

  it('overlays defined fields, ignores undefined ones and freezes the result', () => {
    const config = resolveEngineConfig({ maxFaces: 3, modelsDir: undefined });
    expect(config.maxFaces).toBe(3);
    expect(config.modelsDir).toBe(DEFAULT_ENGINE_CONFIG.modelsDir);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    { backend: 'gpu' as never },
    { detectMaxSidePx: 10 },
    { minDetectionScore: 1.5 },
    { nmsIouThreshold: -0.1 },
    { maxFaces: 0 },
    { landmarkRefinePasses: 1.5 },
  ])('rejects %o', (partial) => {
    expect(() => resolveEngineConfig(partial)).toThrow(RangeError);
  });
});
