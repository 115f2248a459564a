/**
 * The core of `POST /quality/face/stateless` once the photo is decrypted: decode, analyze, and
 * turn "no face" into the contract's 4000. No HTTP here.
 */
import type { Engine } from '../engine/index.js';
import type { FaceQuality } from '../engine/types.js';
import { FaceQualityError } from '../errors.js';
import type { ImageLimits, OpenedImage } from '../image/decode.js';
import { ENGINE_STAGES, type StageTimingsMs, timeStage } from './request-context.js';

/** What {@link assessPhoto} needs: the image intake, the engine and the intake's limits. */
export interface QualityPipeline {
  /** Checks the upload's header and opens it for decoding on demand (`openImage`). */
  readonly open: (bytes: Uint8Array, limits: ImageLimits) => Promise<OpenedImage>;
  readonly engine: Pick<Engine, 'analyze'>;
  readonly limits: ImageLimits;
}

/**
 * Opens the photo (stage `decode`: byte and header checks; BMP is decoded whole here) and measures
 * every face in it (stage `analyze`, and the engine's own stages inside it: resize = the detector's
 * shrunk copy, decoded with shrink-on-load; detect; regions = the pixels around the faces; landmarks;
 * measures).
 *
 * @param imageBytes the decrypted photo file.
 * @param timingsMs where the stage timings go.
 * @returns the faces, largest first, as the engine sorts them.
 * @throws FaceQualityError from the intake (2003/2004/2005 kinds), `NO_FACE` when no face is found;
 *   anything the engine throws passes through (an INTERNAL answer).
 */
export async function assessPhoto(
  imageBytes: Uint8Array,
  pipeline: QualityPipeline,
  timingsMs: StageTimingsMs = {},
): Promise<readonly FaceQuality[]> {
  const opened = await timeStage(timingsMs, 'decode', () => pipeline.open(imageBytes, pipeline.limits));
  const analysis = await timeStage(timingsMs, 'analyze', () => pipeline.engine.analyze(opened.source));
  for (const stage of ENGINE_STAGES) {
    const ms = analysis.timingsMs[stage];
    if (ms !== undefined) timingsMs[stage] = ms;
  }
  const { faces } = analysis;
  if (faces.length === 0) throw new FaceQualityError('NO_FACE', 'No face detected in the image');
  return faces;
}
