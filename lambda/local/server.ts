/**
 * Local development server (`npm start`): a node:http server that turns each request into the API
 * Gateway REST event Lambda would get and calls the very same handler, with the local key pair
 * (KEY_SOURCE=local). It also does what API Gateway does before Lambda: it refuses bodies without
 * a Content-Length (411) or over MAX_BODY_BYTES (413) without reading them.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
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
  /** Stops accepting connections, closes the open ones and releases the engine it loaded. */
  close(): Promise<void>;
}

/**
 * How long a refused upload is still read (and thrown away) before the connection is cut. Cutting
 * at once could reset the connection before the client has read the 413/411 answer (the
 * "lingering close" that web servers do); reading forever would let a client make us download
 * gigabytes.
 */
const LINGER_MS = 2000;

/** Reads and drops the rest of a refused request's body for at most {@link LINGER_MS}, then cuts the connection. */
function discardBody(req: IncomingMessage): void {
  const timer = setTimeout(() => req.socket.destroy(), LINGER_MS);
  timer.unref();
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/** Sends an error that the server decided itself (before the handler), in the API's JSON shape. */
function sendTransportError(res: ServerResponse, error: FaceQualityError, logger: Logger): void {
  const requestId = randomUUID();
  const { response, outcome } = errorResponse(error, requestId);
  logger.info('request refused before the handler', {
    request_id: requestId,
    status: outcome.status,
    code: outcome.code,
    error_kind: outcome.kind,
  });
  // The body is left unread: tell the client the connection ends with this answer.
  res.writeHead(response.statusCode, {
    ...response.headers,
    'content-length': String(Buffer.byteLength(response.body)),
    connection: 'close',
  });
  res.end(response.body);
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
        // Only reachable when the client sends more than its Content-Length announced.
        sendTransportError(
          res,
          new FaceQualityError('CONTENT_TOO_LARGE', `Request body exceeds ${maxBodyBytes} bytes`),
          logger,
        );
        discardBody(req);
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

  const web = createWebRoutes();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The page, its assets and /openapi.json (web-routes.ts); everything else is the API's.
    if (await web.handle(req, res)) return;
    const refusal = checkContentLength(req.method ?? 'GET', req.headers, maxBodyBytes);
    if (refusal !== undefined) {
      sendTransportError(res, refusal, logger);
      discardBody(req);
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
    sendResult(res, await invoke(event, localContext(requestId)));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // The handler answers every error itself; this only catches a broken socket or handler.
      if (res.headersSent) res.destroy();
      else sendTransportError(res, new FaceQualityError('INTERNAL', 'local server failure'), logger);
    });
  });
  // curl sends `Expect: 100-continue` for bodies over 1 KiB: refuse an oversized body before it is sent.
  server.on('checkContinue', (req, res) => {
    const refusal = checkContentLength(req.method ?? 'GET', req.headers, maxBodyBytes);
    if (refusal !== undefined) {
      sendTransportError(res, refusal, logger);
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });

  const address = await listen(server, options.port ?? config.localPort, options.host ?? '127.0.0.1');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => {
          dispose?.();
          done();
        });
        server.closeAllConnections();
      }),
  };
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
