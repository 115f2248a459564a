/**
 * One log record and one EMF metrics record per request, written when the response is final
 * (success or mapped error). What is logged is built field by field from the request state:
 * ids, sizes, codes, counts and timings, never a body, a field value, a photo or a key.
 */
import { performance } from 'node:perf_hooks';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { SUCCESS_CODE } from '../http/error-table.js';
import type { RequestState } from '../http/request-context.js';
import { requestState, roundMs } from '../http/request-context.js';
import type { LineSink, LogFields, Logger } from './logger.js';
import { buildEmf, type RequestMetrics } from './metrics.js';

/** The log fields and metrics of one finished request. */
export interface RequestSummary {
  readonly fields: LogFields;
  readonly metrics: RequestMetrics;
}

/**
 * Summarizes a finished request. Pure.
 *
 * @param state the request state (outcome set by the route handler or the error responder).
 * @param statusCode the response's HTTP status, used when no outcome was recorded.
 * @param endMs `performance.now()` at the end, in milliseconds.
 * @param coldStart whether this is the first request of the process.
 */
export function summarizeRequest(
  state: RequestState,
  statusCode: number,
  endMs: number,
  coldStart: boolean,
): RequestSummary {
  const outcome = state.outcome ?? { code: statusCode < 400 ? SUCCESS_CODE : statusCode, status: statusCode };
  const totalMs = roundMs(endMs - state.startedAtMs);
  const fields: LogFields = {
    request_id: state.requestId,
    method: state.method,
    path: state.path,
    status: outcome.status,
    code: outcome.code,
    error_kind: outcome.kind,
    error_name: outcome.errorName,
    face_count: outcome.faceCount,
    body_bytes: state.bodyBytes,
    latency_ms: totalMs,
    timings_ms: { ...state.timingsMs },
    cold_start: coldStart,
  };
  const metrics: RequestMetrics = {
    totalMs,
    stageMs: { ...state.timingsMs },
    resultCode: outcome.code,
    status: outcome.status,
    ...(outcome.faceCount === undefined ? {} : { faceCount: outcome.faceCount }),
  };
  return { fields, metrics };
}

export interface ObservabilityOptions {
  readonly logger: Logger;
  /** Where EMF lines go (stdout on Lambda); omit to emit no metrics. */
  readonly metricsSink?: LineSink;
  /** Epoch milliseconds for the EMF timestamp; default `Date.now`. */
  readonly nowMs?: () => number;
}

/**
 * Middleware that logs and meters every request once its response is final. Register it before
 * the error responder so that its `onError` runs after the response is mapped (middy runs
 * `after`/`onError` in reverse order of registration). It never throws: a failing log sink must
 * not turn an answer into an error.
 */
export function observabilityMiddleware(
  options: ObservabilityOptions,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> {
  const nowMs = options.nowMs ?? Date.now;
  let coldStart = true;
  const record = (request: Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>): void => {
    try {
      const state = requestState(request.event, request.context);
      const status = request.response?.statusCode ?? 500;
      const summary = summarizeRequest(state, status, performance.now(), coldStart);
      coldStart = false;
      if (summary.metrics.status >= 500) options.logger.error('request failed', summary.fields);
      else options.logger.info('request completed', summary.fields);
      options.metricsSink?.(JSON.stringify(buildEmf(summary.metrics, nowMs())));
    } catch {
      // Observability must never change the answer.
    }
  };
  return { name: 'observability', after: record, onError: record };
}
