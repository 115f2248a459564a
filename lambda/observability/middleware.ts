/**
 * The per-request part of observability, next to Powertools' own middlewares (`injectLambdaContext`,
 * `logMetrics`, `captureLambdaHandler`, composed in app.ts): once the response is final (success
 * or mapped error) it writes the request's log line, stores its metrics for `logMetrics` to
 * publish, and annotates the trace. What is logged is built field by field from the request state:
 * ids, sizes, codes, counts and timings, never a body, a field value, a photo or a key.
 */
import { performance } from 'node:perf_hooks';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { SUCCESS_CODE } from '../http/error-table.js';
import type { RequestState } from '../http/request-context.js';
import { requestState, roundMs } from '../http/request-context.js';
import type { LogFields, Logger } from './logger.js';
import { type RequestMetrics, recordRequestMetrics } from './metrics.js';
import type { Tracer } from './tracer.js';

/** The log fields and metrics of one finished request. */
export interface RequestSummary {
  readonly fields: LogFields;
  readonly metrics: RequestMetrics;
}

/**
 * The fields every log line about a request carries: its id and the stage timings so far. Pure.
 */
export function requestLogFields(state: RequestState): LogFields {
  return { request_id: state.requestId, timings_ms: { ...state.timingsMs } };
}

/**
 * Summarizes a finished request. Pure.
 *
 * @param state the request state (outcome set by the route handler or the error responder).
 * @param statusCode the response's HTTP status, used when no outcome was recorded.
 * @param endMs `performance.now()` at the end, in milliseconds.
 */
export function summarizeRequest(state: RequestState, statusCode: number, endMs: number): RequestSummary {
  const outcome = state.outcome ?? { code: statusCode < 400 ? SUCCESS_CODE : statusCode, status: statusCode };
  const totalMs = roundMs(endMs - state.startedAtMs);
  const fields: LogFields = {
    ...requestLogFields(state),
    method: state.method,
    path: state.path,
    status: outcome.status,
    code: outcome.code,
    error_kind: outcome.kind,
    error_name: outcome.errorName,
    face_count: outcome.faceCount,
    body_bytes: state.bodyBytes,
    latency_ms: totalMs,
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

export interface RequestObservabilityOptions {
  readonly logger: Logger;
  /** Published by the `logMetrics` middleware registered before this one. */
  readonly metrics: Metrics;
  /** Present when tracing is on. */
  readonly tracer?: Tracer;
}

type ApiRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

/**
 * Middleware that logs, meters and annotates every request once its response is final. Register
 * it after Powertools' middlewares and before the error responder, so that its `after`/`onError`
 * run once the response is mapped and before Powertools publishes the metrics and closes the trace
 * segment (middy runs `after`/`onError` in reverse order of registration). It is synchronous, so no
 * other request's metrics can slip in between storing and publishing, and it never throws: a
 * failing log write must not turn an answer into an error.
 */
export function requestObservabilityMiddleware(
  options: RequestObservabilityOptions,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> {
  const { logger, metrics, tracer } = options;
  const record = (request: ApiRequest): void => {
    try {
      const state = requestState(request.event, request.context);
      const summary = summarizeRequest(state, request.response?.statusCode ?? 500, performance.now());
      if (summary.metrics.status >= 500) logger.error('request failed', summary.fields);
      else logger.info('request completed', summary.fields);
      metrics.addMetadata('request_id', state.requestId);
      recordRequestMetrics(metrics, summary.metrics);
      if (tracer !== undefined) {
        tracer.putAnnotation('ResultCode', summary.metrics.resultCode);
        tracer.putAnnotation('RequestId', state.requestId);
        tracer.putMetadata('timings_ms', summary.metrics.stageMs);
      }
    } catch {
      // Observability must never change the answer.
    }
  };
  return { name: 'requestObservability', after: record, onError: record };
}
