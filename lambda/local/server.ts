/**
 * Local development server (`npm start`): a node:http server that turns each request into the API
 * Gateway REST event Lambda would get and calls the very same handler, with the local key pair
 * (KEY_SOURCE=local). It also does what API Gateway does before Lambda: it refuses bodies without
 * a Content-Length (411) or over MAX_BODY_BYTES (413) without storing them, and what Lambda's
 * one-request-per-container model does for memory: at most MAX_CONCURRENT_ANALYSES photos are
 * analysed at once.
 */
import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createHandler, initDependencies } from '../app.js';
import { type AppConfig, loadConfig } from '../config.js';
import { FaceQualityError } from '../errors.js';
import { errorResponse } from '../http/error-responder.js';
import { OPENAPI_PATH } from '../http/openapi.js';
import { ENCRYPTION_KEY_PATH, STATELESS_PATH } from '../http/router.js';
import { createLogger, type Logger, parseLogLevel } from '../observability/logger.js';
import { SERVICE_NAME } from '../observability/metrics.js';
import { checkContentLength, localContext, toApiGatewayEvent } from './event.js';
import { createLimiter } from './limiter.js';
import { createWebRoutes } from './web-routes.js';

/** The handler shape the server calls: the app's handler, or a test's own composition. */
export type LocalHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface StartServerOptions {
  /** TCP port; 0 picks a free one. Default `config.localPort`. */
  readonly port?: number;
  /** Interface to listen on; default 127.0.0.1 (not reachable from other machines). */
  readonly host?: string;
  /** Default `loadConfig()` with KEY_SOURCE forced to `local`. */
  readonly config?: AppConfig;
  /** Handler to call; default `createHandler(await initDependencies(config))`. */
  readonly handler?: LocalHandler;
}

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  /** Analyses running now and requests waiting for one of the `config.maxConcurrentAnalyses` slots. */
  analyses(): { readonly active: number; readonly waiting: number };
  /** Stops accepting connections, closes the open ones and releases the engine it loaded. */
  close(): Promise<void>;
}

/**
 * How much of a refused upload is still read and thrown away, so that the connection stays
 * usable and the client reads the answer. A server that closes a socket while the client is still
 * sending makes the kernel reset the connection: the client then gets EPIPE or ECONNRESET instead
 * of the 413/411 it was sent (what the "lingering close" of web servers avoids). Past these
 * bounds the connection is cut: nobody makes us download gigabytes.
 */
const DISCARD_MAX_BYTES = 64 * 1024 * 1024;
const DISCARD_MAX_MS = 10_000;

/**
 * Reads and drops the rest of a refused request's body, at most {@link DISCARD_MAX_BYTES} or
 * {@link DISCARD_MAX_MS}, after which the connection is cut. Once the body has been read, Node
 * serves the next request of a keep-alive connection as usual.
 */
function discardBody(req: IncomingMessage): void {
  let discardedBytes = 0;
  const cut = (): void => {
    req.socket.destroy();
  };
  const timer = setTimeout(cut, DISCARD_MAX_MS);
  timer.unref();
  const stop = (): void => clearTimeout(timer);
  req.once('end', stop);
  req.once('close', stop);
  req.on('data', (chunk: Buffer) => {
    discardedBytes += chunk.length;
    if (discardedBytes > DISCARD_MAX_BYTES) cut();
  });
  req.resume();
}

/** Whether a request's body is still to come (it announced one, or it is chunked). */
function expectsBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Sends an error that the server decided itself (before the handler), in the API's JSON shape.
 * `closeConnection`: the body will never arrive (a refused `Expect: 100-continue`), so the
 * connection cannot carry another request and ends with this answer.
 */
function sendTransportError(
  res: ServerResponse,
  error: FaceQualityError,
  logger: Logger,
  closeConnection = false,
): void {
  const requestId = randomUUID();
  const { response, outcome } = errorResponse(error, requestId);
  logger.info('request refused before the handler', {
    request_id: requestId,
    status: outcome.status,
    code: outcome.code,
    error_kind: outcome.kind,
  });
  res.writeHead(response.statusCode, {
    ...response.headers,
    'content-length': String(Buffer.byteLength(response.body)),
    ...(closeConnection ? { connection: 'close' } : {}),
  });
  res.end(response.body);
}

/**
 * Answers a request before reading its body: the answer goes out at once (a client that reads
 * while it sends stops uploading early), and the body is drained so the client can finish sending
 * and read the answer on a connection that stays open.
 */
function refuseBody(
  req: IncomingMessage,
  res: ServerResponse,
  error: FaceQualityError,
  logger: Logger,
): void {
  sendTransportError(res, error, logger);
  if (expectsBody(req)) discardBody(req);
}

/** Writes a proxy result back as an HTTP response. */
function sendResult(res: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    headers[name] = values.map(String);
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded === true ? 'base64' : 'utf8');
  res.writeHead(result.statusCode, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}

/**
 * Reads the body; resolves undefined when it grows past `maxBodyBytes` (after answering 413) or
 * when the client hangs up before sending all of it.
 */
function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  maxBodyBytes: number,
  logger: Logger,
): Promise<Buffer | undefined> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let sizeBytes = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      sizeBytes += chunk.length;
      if (sizeBytes > maxBodyBytes) {
        refused = true;
        chunks.length = 0;
        // Unreachable while bodies need a Content-Length within the limit; kept as a bound.
        refuseBody(
          req,
          res,
          new FaceQualityError('CONTENT_TOO_LARGE', `Request body exceeds ${maxBodyBytes} bytes`),
          logger,
        );
        resolveBody(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) resolveBody(Buffer.concat(chunks));
    });
    // A client that hangs up mid-upload gets no answer (the later of these calls is ignored).
    req.on('close', () => resolveBody(undefined));
    req.on('error', reject);
  });
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolveAddress, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('server has no TCP address'));
      else resolveAddress(address);
    });
  });
}

/** `loadConfig()` with the key source forced to the local key pair. */
function localConfig(): AppConfig {
  const config = loadConfig();
  return { ...config, keys: { ...config.keys, source: 'local' } };
}

/**
 * Starts the local server.
 *
 * @returns its URL and a `close` function.
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const config = options.config ?? localConfig();
  let dispose: (() => void) | undefined;
  let handler = options.handler;
  if (handler === undefined) {
    const deps = await initDependencies(config);
    dispose = () => deps.engine.dispose();
    handler = createHandler(deps);
  }
  const logger = createLogger({ level: parseLogLevel(config.logLevel), service: SERVICE_NAME });
  const invoke = handler;
  const { maxBodyBytes } = config.limits;
  const analyses = createLimiter(config.maxConcurrentAnalyses);
  /** Handler calls in progress: `close` waits for them before releasing the engine. */
  const inFlight = new Set<Promise<unknown>>();

  const call = (event: APIGatewayProxyEvent, requestId: string): Promise<APIGatewayProxyResult> => {
    const pending = invoke(event, localContext(requestId));
    inFlight.add(pending);
    const forget = (): void => {
      inFlight.delete(pending);
    };
    pending.then(forget, forget);
    return pending;
  };

  const web = createWebRoutes();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The page, its assets and /openapi.json (web-routes.ts); everything else is the API's.
    if (await web.handle(req, res)) return;
    const refusal = checkContentLength(req.method ?? 'GET', req.headers, maxBodyBytes);
    if (refusal !== undefined) {
      refuseBody(req, res, refusal, logger);
      return;
    }
    const body = await readBody(req, res, maxBodyBytes, logger);
    if (body === undefined) return;
    const requestId = randomUUID();
    const event = toApiGatewayEvent({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body,
      requestId,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    });
    if (!isAnalysis(event)) {
      sendResult(res, await call(event, requestId));
      return;
    }
    const result = await analyses.run(async () => {
      // A client that hung up while waiting for a slot is not worth an analysis.
      if (res.destroyed) return undefined;
      return call(event, requestId);
    });
    if (result !== undefined) sendResult(res, result);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // The handler answers every error itself; this only catches a broken socket or handler.
      if (res.headersSent) res.destroy();
      else sendTransportError(res, new FaceQualityError('INTERNAL', 'local server failure'), logger);
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    answerClientError(error, socket, logger);
  });
  // curl sends `Expect: 100-continue` for bodies over 1 KiB: refuse an oversized body before it is sent.
  server.on('checkContinue', (req, res) => {
    const refusal = checkContentLength(req.method ?? 'GET', req.headers, maxBodyBytes);
    if (refusal !== undefined) {
      // The client sends no body after a final answer, so Node could not find the next request.
      sendTransportError(res, refusal, logger, true);
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });

  const address = await listen(server, options.port ?? config.localPort, options.host ?? '127.0.0.1');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    analyses: () => ({ active: analyses.active, waiting: analyses.waiting }),
    close: () =>
      new Promise<void>((done) => {
        server.close(() => {
          Promise.allSettled([...inFlight]).then(() => {
            dispose?.();
            done();
          });
        });
        server.closeAllConnections();
      }),
  };
}

/**
 * Answers a request Node could not parse (malformed request line or headers, headers over 16 KiB,
 * conflicting lengths) in the API's JSON shape instead of Node's empty 400/431, then closes the
 * connection: after a parse error nothing tells where the next request would start.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, logger: Logger): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const message =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'Request headers are too large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'Request not received in time'
        : 'Malformed HTTP request';
  const requestId = randomUUID();
  const { response, outcome } = errorResponse(new FaceQualityError('INVALID_ARGUMENT', message), requestId);
  logger.info('request refused before the handler', {
    request_id: requestId,
    status: outcome.status,
    code: outcome.code,
    error_kind: outcome.kind,
    parse_error: error.code,
  });
  const head = [
    `HTTP/1.1 ${response.statusCode} ${STATUS_CODES[response.statusCode] ?? ''}`,
    ...Object.entries(response.headers ?? {}).map(([name, value]) => `${name}: ${String(value)}`),
    `content-length: ${Buffer.byteLength(response.body)}`,
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${response.body}`);
}

/** Whether `event` is a photo analysis, the work that `config.maxConcurrentAnalyses` bounds. */
function isAnalysis(event: APIGatewayProxyEvent): boolean {
  return event.httpMethod.toUpperCase() === 'POST' && event.path === STATELESS_PATH;
}

/** What `npm start` prints: where the server is and how to call it. */
export function usage(url: string, keyDir: string): string {
  return [
    `face-quality local server listening on ${url} (local key pair in ${resolve(keyDir)})`,
    '',
    `Try it in a browser: ${url}/   (OpenAPI document: ${url}${OPENAPI_PATH})`,
    '',
    'Public key clients encrypt with:',
    `  curl -s ${url}${ENCRYPTION_KEY_PATH}`,
    '',
    'Check a photo (encrypts it with that key, posts it, prints the answer):',
    `  npx face-quality request photo.jpg --url ${url}`,
    '',
    'The same with curl, as in the API contract (small photos: a shell argument holds at most 128 KiB):',
    `  curl -s -X POST ${url}${STATELESS_PATH} -d "encrypted_image=$(npx face-quality encrypt photo.jpg)"`,
    'Any size, from a file:',
    '  npx face-quality encrypt photo.jpg > photo.enc',
    `  curl -s -X POST ${url}${STATELESS_PATH} --data-urlencode encrypted_image@photo.enc`,
    '',
    'Ctrl+C stops the server.',
  ].join('\n');
}

/** What `npm start` runs: the server on `PORT` with the local key pair, until SIGINT or SIGTERM. */
export async function runLocalServer(): Promise<void> {
  const config = localConfig();
  const server = await startServer({ config });
  process.stdout.write(`${usage(server.url, config.keys.localKeyDir)}\n`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runLocalServer().catch((e: unknown) => {
    process.stderr.write(
      `face-quality local server failed to start: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    process.exit(1);
  });
}
