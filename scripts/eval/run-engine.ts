/**
 * The engine as a black box, through the production path from file bytes: the perturbed image is
 * encoded (PNG, lossless, by default) and answered by `assessPhoto` (intake + engine) exactly as
 * `POST /quality/face/stateless` does after decryption. "No face" is an empty list.
 */
import sharp from 'sharp';
import { DEFAULT_LIMITS } from '../../lambda/config.js';
import type { Engine } from '../../lambda/engine/index.js';
import type { FaceQuality, RawImage } from '../../lambda/engine/types.js';
import { isFaceQualityError } from '../../lambda/errors.js';
import { assessPhoto } from '../../lambda/http/quality.js';
import { openImage } from '../../lambda/image/decode.js';

export type Encoding = 'png' | 'jpeg';

export interface BlackBox {
  /** Faces the API would answer for `image` (empty for 4000). */
  analyze(image: RawImage): Promise<readonly FaceQuality[]>;
  /** Engine calls so far and their total milliseconds (encode excluded). */
  readonly stats: { calls: number; ms: number };
}

/** Development photos may exceed the API's byte cap once re-encoded losslessly. */
const EVAL_LIMITS = Object.freeze({ ...DEFAULT_LIMITS, maxImageBytes: Number.MAX_SAFE_INTEGER });

export function blackBox(engine: Pick<Engine, 'analyze'>, encoding: Encoding): BlackBox {
  const stats = { calls: 0, ms: 0 };
  const pipeline = { open: openImage, engine, limits: EVAL_LIMITS };
  return {
    stats,
    async analyze(image) {
      const raw = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
      const bytes =
        encoding === 'png'
          ? await raw.png({ compressionLevel: 1 }).toBuffer()
          : await raw.jpeg({ quality: 95 }).toBuffer();
      const t = performance.now();
      try {
        return await assessPhoto(new Uint8Array(bytes), pipeline);
      } catch (e) {
        if (isFaceQualityError(e) && e.kind === 'NO_FACE') return [];
        throw e;
      } finally {
        stats.calls++;
        stats.ms += performance.now() - t;
      }
    },
  };
}
