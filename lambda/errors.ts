/**
 * The error taxonomy shared by every layer. A kind is a stable name; the contract code and the
 * HTTP status it maps to live in one table at the edge (`lambda/http/error-table.ts`), so the
 * engine, the image intake and the crypto code never talk HTTP.
 */
export type ErrorKind =
  /** Missing or empty field, malformed body, unsupported content type, not base64, not an
   * encryption SDK message, or a message our keys cannot decrypt. Contract code 1200. */
  | 'INVALID_ARGUMENT'
  /** Decoded width/height/megapixels outside the configured bounds. Contract code 2003. */
  | 'INVALID_IMAGE_SIZE'
  /** Body or decrypted image larger than the configured limit. Contract code 2004, HTTP 413. */
  | 'CONTENT_TOO_LARGE'
  /** Empty body or empty decrypted image. Contract code 2004, HTTP 400. */
  | 'CONTENT_EMPTY'
  /** A POST without Content-Length (local server only). Contract code 2004, HTTP 411. */
  | 'LENGTH_REQUIRED'
  /** Not an image we decode, truncated or corrupt. Contract code 2005. */
  | 'INVALID_IMAGE_TYPE'
  /** No face found. Contract code 4000. */
  | 'NO_FACE'
  /** Unknown route or method. HTTP 404. */
  | 'NOT_FOUND'
  /** Our fault: KMS unavailable or throttled, model failure. HTTP 500, generic message. */
  | 'INTERNAL';

/** An error whose kind is part of the API. Its message is safe to show a client (except INTERNAL). */
export class FaceQualityError extends Error {
  override readonly name = 'FaceQualityError';
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

/** True when `e` is a {@link FaceQualityError} (of `kind`, when given). */
export function isFaceQualityError(e: unknown, kind?: ErrorKind): e is FaceQualityError {
  return e instanceof FaceQualityError && (kind === undefined || e.kind === kind);
}
