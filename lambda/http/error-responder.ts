/**
 * Turns any error into the contract's abnormal response through {@link ERROR_TABLE}: a
 * FaceQualityError answers with its row and message; anything else, and every INTERNAL error,
 * answers 500 with a generic message, so no stack, key id or library text ever reaches a client.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ErrorKind } from '../errors.js';
import { isFaceQualityError } from '../errors.js';
import { ERROR_TABLE, INTERNAL_MESSAGE } from './error-table.js';
import type { Outcome } from './request-context.js';
import { requestState } from './request-context.js';
import { failureResponse } from './responses.js';

/** What a client is told about an error, and what the logs may say about it. */
export interface MappedError {
  readonly kind: ErrorKind;
  readonly code: number;
  readonly status: number;
  /** Safe to show a client. */
  readonly message: string;
  /** For INTERNAL only: the names of the error and its causes (class names, never messages). */
  readonly errorName?: string;
}

/** Maps an error to its table row and client-safe message. */
export function mapError(error: unknown): MappedError {
  if (isFaceQualityError(error) && error.kind !== 'INTERNAL') {
    const { code, status } = ERROR_TABLE[error.kind];
    return { kind: error.kind, code, status, message: error.message };
  }
  const { code, status } = ERROR_TABLE.INTERNAL;
  return { kind: 'INTERNAL', code, status, message: INTERNAL_MESSAGE, errorName: errorNameOf(error) };
}

/** How many `cause` links the logged name follows. */
const MAX_CAUSE_DEPTH = 3;

/** `error.name` when it is a short identifier, else a description of its type. */
function nameOf(error: unknown): string {
  if (error instanceof Error && /^[A-Za-z0-9_.$-]{1,64}$/.test(error.name)) return error.name;
  return error === null ? 'null' : typeof error;
}

/**
 * The names of `error` and its causes, outermost first, joined by `<`
 * (`FaceQualityError<ThrottlingException`): an INTERNAL wrapper alone would hide whether KMS
 * throttled, refused access or was unreachable. Names only, never messages.
 */
function errorNameOf(error: unknown): string {
  const names = [nameOf(error)];
  let cause: unknown = error instanceof Error ? error.cause : undefined;
  while (cause !== undefined && names.length <= MAX_CAUSE_DEPTH) {
    names.push(nameOf(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return names.join('<');
}

/** The abnormal response for `error`, and the outcome to log. */
export function errorResponse(
  error: unknown,
  requestId: string,
): { response: APIGatewayProxyResult; outcome: Outcome } {
  const mapped = mapError(error);
  const response = failureResponse(mapped.status, mapped.code, mapped.message, requestId);
  const outcome: Outcome = {
    code: mapped.code,
    status: mapped.status,
    kind: mapped.kind,
    ...(mapped.errorName === undefined ? {} : { errorName: mapped.errorName }),
  };
  return { response, outcome };
}

/** Middleware whose `onError` answers every error through {@link errorResponse}. */
export function errorResponderMiddleware(): MiddlewareObj<
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  Error,
  Context
> {
  return {
    name: 'errorResponder',
    onError: (request) => {
      const state = requestState(request.event, request.context);
      const { response, outcome } = errorResponse(request.error, state.requestId);
      state.outcome = outcome;
      state.encryptedImage = undefined;
      state.imageBytes = undefined;
      request.response = response;
    },
  };
}
