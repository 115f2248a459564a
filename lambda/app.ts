/**
 * The Lambda handler as a composition of middlewares (Middy), each a thin adapter over a pure,
 * separately tested core:
 *
 * outer handler (every route):
 *   [Powertools: X-Ray segment (when TRACING) → Lambda context on every log line → cold-start
 *   metric] → http-header-normalizer → request context (request id, clock) → [router] →
 *   on the way out: CORS headers (when configured) → request log line, metrics and trace
 *   annotations → [Powertools: metrics published as EMF → log keys reset → segment closed];
 *   on error: error responder (ERROR_TABLE) → CORS → the same way out → http-error-handler (backstop)
 * `POST /quality/face/stateless`: parse form → decrypt → decode → analyze → 200 / 4000
 * `GET /quality/face/encryption-key`: the public key clients encrypt with
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { type AppConfig, engineOptions } from './config.js';
import type { Decryptor } from './crypto/index.js';
import { createDecryptor } from './crypto/index.js';
import type { Engine } from './engine/index.js';
import { createEngine } from './engine/index.js';
import { FaceQualityError } from './errors.js';
import { decryptMiddleware } from './http/decrypt.js';
import { errorResponderMiddleware } from './http/error-responder.js';
import { ERROR_TABLE, INTERNAL_MESSAGE, SUCCESS_CODE } from './http/error-table.js';
import { parseFormMiddleware } from './http/parse-form.js';
import { assessPhoto, type QualityPipeline } from './http/quality.js';
import { requestContextMiddleware, requestState } from './http/request-context.js';
import { jsonResponse, REQUEST_ID_HEADER, successResponse } from './http/responses.js';
import { createRouter, type RouteHandler } from './http/router.js';
import { openImage } from './image/decode.js';
import { createLogger, parseLogLevel } from './observability/logger.js';
import { createMetrics, SERVICE_NAME } from './observability/metrics.js';
import { requestObservabilityMiddleware } from './observability/middleware.js';
import { loadTracer, type Tracer } from './observability/tracer.js';

/** What the handler needs; built once per process by {@link initDependencies}. */
export interface AppDependencies {
  readonly config: AppConfig;
  readonly engine: Pick<Engine, 'analyze'>;
  readonly decryptor: Pick<Decryptor, 'decryptImage' | 'publicKeyInfo'>;
  /** Present when `config.tracing` is on (loaded by {@link initDependencies}). */
  readonly tracer?: Tracer;
  /** The image intake; default `openImage` (tests inject a failing one). */
  readonly open?: QualityPipeline['open'];
}

export type ApiHandler = MiddyfiedHandler<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

/** Methods and headers a browser may use across origins (only sent when CORS is configured). */
const CORS_METHODS = 'GET,POST,OPTIONS';
const CORS_REQUEST_HEADERS = 'content-type';
const CORS_MAX_AGE_S = 600;

/** The route handlers of {@link createHandler}. */
function routeHandlers(deps: AppDependencies): {
  stateless: RouteHandler;
  encryptionKey: RouteHandler;
  preflight: RouteHandler;
} {
  const { config, engine, decryptor } = deps;
  const pipeline: QualityPipeline = { open: deps.open ?? openImage, engine, limits: config.limits };

  const stateless = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(parseFormMiddleware(config.limits))
    .use(decryptMiddleware(decryptor))
    .handler(async (event, context) => {
      const state = requestState(event, context);
      const bytes = state.imageBytes;
      if (bytes === undefined)
        throw new FaceQualityError('INTERNAL', 'stateless route ran without the decrypt step');
      state.imageBytes = undefined;
      const faces = await assessPhoto(bytes, pipeline, state.timingsMs);
      state.outcome = { code: SUCCESS_CODE, status: 200, faceCount: faces.length };
      return successResponse(faces, state.requestId);
    });

  const encryptionKey: RouteHandler = async (event, context) => {
    const state = requestState(event, context);
    const info = await decryptor.publicKeyInfo();
    return jsonResponse(200, info, state.requestId);
  };

  const preflight: RouteHandler = async (event, context) => {
    const { requestId } = requestState(event, context);
    return { statusCode: 204, headers: { [REQUEST_ID_HEADER]: requestId }, body: '' };
  };

  return { stateless, encryptionKey, preflight };
}

/**
 * Composes the API's Lambda handler (API Gateway REST, v1 proxy events) from ready dependencies.
 * Pure composition: no I/O happens here, so tests build it with real or failing dependencies.
 */
export function createHandler(deps: AppDependencies): ApiHandler {
  // Powertools writes to stdout/stderr, as Lambda expects; tests capture those streams.
  const logger = createLogger({ level: parseLogLevel(deps.config.logLevel), service: SERVICE_NAME });
  const metrics = createMetrics(logger);
  const { tracer } = deps;
  const { stateless, encryptionKey, preflight } = routeHandlers(deps);
  const corsEnabled = deps.config.allowedOrigins.length > 0;
  const router = createRouter(
    corsEnabled ? { stateless, encryptionKey, preflight } : { stateless, encryptionKey },
  );

  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    // after/onError run in reverse order of registration: this one runs last, and only answers
    // when nothing before it did.
    .use(
      httpErrorHandler({
        logger: false,
        fallbackMessage: JSON.stringify({ code: ERROR_TABLE.INTERNAL.code, message: INTERNAL_MESSAGE }),
      }),
    );
  // The answer is already in the logs and metrics: keep it out of the trace.
  if (tracer !== undefined) handler.use(captureLambdaHandler(tracer, { captureResponse: false }));
  handler
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(httpHeaderNormalizer())
    .use(requestContextMiddleware())
    .use(requestObservabilityMiddleware({ logger, metrics, ...(tracer === undefined ? {} : { tracer }) }));
  if (corsEnabled) {
    handler.use(
      httpCors({
        origins: [...deps.config.allowedOrigins],
        methods: CORS_METHODS,
        headers: CORS_REQUEST_HEADERS,
        exposeHeaders: REQUEST_ID_HEADER,
        maxAge: CORS_MAX_AGE_S,
      }),
    );
  }
  return handler.use(errorResponderMiddleware()).handler(router);
}

/** The engine and the decryptor, ready to serve, and the tracer when tracing is on. */
export interface LoadedDependencies {
  readonly engine: Engine;
  readonly decryptor: Decryptor;
  readonly tracer?: Tracer;
}

/**
 * Loads the engine (models, backend, warm-up inference), the decryptor (keys) and, when tracing
 * is on, the tracer once, in parallel. On Lambda this runs during init, outside any request.
 */
export async function initDependencies(config: AppConfig): Promise<AppDependencies & LoadedDependencies> {
  const [engine, decryptor, tracer] = await Promise.all([
    createEngine(engineOptions(config)),
    createDecryptor(config.keys, config.limits),
    loadTracer(config.tracing, SERVICE_NAME),
  ]);
  return { config, engine, decryptor, ...(tracer === undefined ? {} : { tracer }) };
}
