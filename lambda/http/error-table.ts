/**
 * The one place where the error taxonomy meets HTTP: every {@link ErrorKind} maps to the contract's
 * response `code` and to an HTTP status. Nothing else in the code base chooses a code or a status.
 *
 * Codes 1200/2003/2004/2005/4000 are the SenseID contract's (quality-face-stateless.txt, "System
 * response code"). The contract lists 404 and 500 as HTTP statuses without a response code, so for
 * those the body's `code` repeats the status.
 */
import type { ErrorKind } from '../errors.js';

/** The contract code and HTTP status one {@link ErrorKind} answers with. */
export interface ErrorRow {
  /** `code` in the response body. */
  readonly code: number;
  /** HTTP status code. */
  readonly status: number;
}

/** Contract code of a successful answer. */
export const SUCCESS_CODE = 1000;

/** ErrorKind → contract code and HTTP status. */
export const ERROR_TABLE: Readonly<Record<ErrorKind, ErrorRow>> = Object.freeze({
  INVALID_ARGUMENT: { code: 1200, status: 400 },
  INVALID_IMAGE_SIZE: { code: 2003, status: 400 },
  CONTENT_TOO_LARGE: { code: 2004, status: 413 },
  CONTENT_EMPTY: { code: 2004, status: 400 },
  LENGTH_REQUIRED: { code: 2004, status: 411 },
  INVALID_IMAGE_TYPE: { code: 2005, status: 400 },
  NO_FACE: { code: 4000, status: 400 },
  NOT_FOUND: { code: 404, status: 404 },
  INTERNAL: { code: 500, status: 500 },
});

/**
 * The only message an INTERNAL answer ever carries: the real cause (a stack, a KMS error that could
 * name a key, a model path) stays in the logs, by error name only.
 */
export const INTERNAL_MESSAGE = 'internal error';

/** The contract code and HTTP status of `kind`. */
export function errorRow(kind: ErrorKind): ErrorRow {
  return ERROR_TABLE[kind];
}
