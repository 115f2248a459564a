/**
 * Per-request state shared by the middlewares and the route handlers: the request id, the stage
 * timings and the values one stage hands the next (form field → decrypted bytes). The router passes
 * the outer Lambda `context` object to the route's own middy handler, so the state is keyed on it.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ErrorKind } from '../errors.js';

/** Pipeline stages timed per request; their names appear in logs and metric names. */
export type Stage = 'parse' | 'decrypt' | 'decode' | 'analyze' | EngineStage;

/** The engine's own stages inside `analyze`, as its `timingsMs` reports them. */
export type EngineStage = 'resize' | 'detect' | 'verify' | 'regions' | 'landmarks' | 'measures';

/** Every {@link EngineStage}, in pipeline order. */
export const ENGINE_STAGES: readonly EngineStage[] = Object.freeze([
  'resize',
  'detect',
  'regions',
  'verify',
  'landmarks',
  'measures',
]);

/** Every {@link Stage}, in pipeline order. */
export const STAGES: readonly Stage[] = Object.freeze([
  'parse',
  'decrypt',
  'decode',
  'analyze',
  ...ENGINE_STAGES,
]);

/** How a request ended, recorded by the route handler or the error responder. */
export interface Outcome {
  /** Contract code of the answer (1000 on success). */
  readonly code: number;
  /** HTTP status. */
  readonly status: number;
  /** Error kind, absent on success. */
  readonly kind?: ErrorKind;
  /** `name` of the error that caused an INTERNAL answer (never its message). */
  readonly errorName?: string;
  /** Faces in a successful answer. */
  readonly faceCount?: number;
}

export interface RequestState {
  /** API Gateway's request id, or a random UUID when there is none (local runs, direct invokes). */
  readonly requestId: string;
  /** `performance.now()` when the request entered the handler, in milliseconds. */
  readonly startedAtMs: number;
  /** Milliseconds per stage that ran. */
  readonly timingsMs: StageTimingsMs;
  /** HTTP method and path, for logs. */
  readonly method: string;
  readonly path: string;
  /** Request body size in bytes, once parsed. */
  bodyBytes?: number;
  /** The `encrypted_image` field, from the form parser to the decrypt step (then dropped). */
  encryptedImage?: string;
  /** The decrypted photo, from the decrypt step to the route handler. */
  imageBytes?: Uint8Array;
  outcome?: Outcome;
}

/** Longest request id taken from the event; anything else gets a fresh UUID. */
const MAX_REQUEST_ID_CHARS = 128;
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]+$/;

/**
 * The request id of an API Gateway event: `event.requestContext.requestId` when it is a short
 * token of safe characters (it is echoed in a header), else a random UUID.
 */
export function requestIdOf(event: Pick<APIGatewayProxyEvent, 'requestContext'> | undefined): string {
  const id: unknown = event?.requestContext?.requestId;
  if (typeof id === 'string' && id.length <= MAX_REQUEST_ID_CHARS && REQUEST_ID_PATTERN.test(id)) return id;
  return randomUUID();
}

const states = new WeakMap<object, RequestState>();

/** Creates the state of a new request and ties it to `context`. */
export function startRequest(
  event: APIGatewayProxyEvent,
  context: object,
  nowMs = performance.now(),
): RequestState {
  const state: RequestState = {
    requestId: requestIdOf(event),
    startedAtMs: nowMs,
    timingsMs: {},
    method: typeof event.httpMethod === 'string' ? event.httpMethod : '',
    path: typeof event.path === 'string' ? event.path.slice(0, 256) : '',
  };
  states.set(context, state);
  return state;
}

/**
 * The state tied to `context`. When the request-context middleware did not run (an earlier
 * middleware failed), a state is created so the error still gets a request id.
 */
export function requestState(event: APIGatewayProxyEvent, context: object): RequestState {
  return states.get(context) ?? startRequest(event, context);
}

/** Milliseconds per stage that ran. */
export type StageTimingsMs = Partial<Record<Stage, number>>;

/**
 * Runs `work` and records its duration in `timingsMs[stage]`, also when it throws.
 *
 * @returns what `work` returns.
 */
export async function timeStage<T>(
  timingsMs: StageTimingsMs,
  stage: Stage,
  work: () => Promise<T>,
): Promise<T> {
  const startMs = performance.now();
  try {
    return await work();
  } finally {
    timingsMs[stage] = roundMs(performance.now() - startMs);
  }
}

/** Milliseconds rounded to 0.1 ms, enough for logs and metrics. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Middleware that opens the request state (request id, clock) before anything else runs. */
export function requestContextMiddleware(): MiddlewareObj<
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  Error,
  Context
> {
  return {
    name: 'requestContext',
    before: (request) => {
      startRequest(request.event, request.context);
    },
  };
}
