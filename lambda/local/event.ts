/**
 * Builds the API Gateway REST (v1 proxy) events and Lambda contexts that the local server, the
 * event builder script and the tests hand to the real handler. Pure.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { FaceQualityError } from '../errors.js';

/** An HTTP request as the local server sees it. */
export interface LocalRequest {
  readonly method: string;
  /** Path with the query string, as on the request line (`/quality/face/stateless?x=1`). */
  readonly url: string;
  /** Header names in any case; repeated headers as arrays. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body bytes; empty or absent for none. */
  readonly body?: Uint8Array | string;
  readonly requestId: string;
  readonly sourceIp?: string;
  /** Epoch milliseconds; default `Date.now()`. */
  readonly timeEpochMs?: number;
}

function firstHeader(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * Builds the v1 proxy event API Gateway would send for `request`. The stack declares no
 * `binaryMediaTypes` (`infra/constructs/face-api.ts`), so API Gateway passes every body, multipart
 * included, as UTF-8 text with `isBase64Encoded: false`; so does this.
 */
export function toApiGatewayEvent(request: LocalRequest): APIGatewayProxyEvent {
  const parsed = new URL(request.url, 'http://localhost');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const values = typeof value === 'string' ? [value] : [...value];
    headers[name] = values.join(',');
    multiValueHeaders[name] = values;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of parsed.searchParams) {
    query[name] = value;
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }
  const bytes =
    typeof request.body === 'string' ? Buffer.from(request.body) : Buffer.from(request.body ?? []);
  const timeEpochMs = request.timeEpochMs ?? Date.now();
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: parsed.pathname,
    path: parsed.pathname,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: null,
    stageVariables: null,
    body: bytes.length === 0 ? null : bytes.toString('utf8'),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp ?? '127.0.0.1',
        user: null,
        userAgent: firstHeader(request.headers['user-agent']) ?? null,
        userArn: null,
      },
      path: parsed.pathname,
      stage: 'local',
      requestId: request.requestId,
      requestTimeEpoch: timeEpochMs,
      resourceId: 'local',
      resourcePath: parsed.pathname,
    },
  };
}

/** Time the local handler may run, like a Lambda timeout, in milliseconds. */
export const LOCAL_TIMEOUT_MS = 30_000;

/** A Lambda context for a local invocation that must finish within `timeoutMs`. */
export function localContext(requestId: string, timeoutMs = LOCAL_TIMEOUT_MS): Context {
  const deadlineMs = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'face-quality-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:face-quality-local',
    memoryLimitInMB: '2048',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/face-quality-local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * The transport checks API Gateway does before invoking Lambda, for the local server: a body needs
 * a `Content-Length` (no chunked uploads) within `maxBodyBytes`.
 *
 * @returns the error to answer with, or undefined when the body may be read.
 */
export function checkContentLength(
  method: string,
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  maxBodyBytes: number,
): FaceQualityError | undefined {
  const raw = firstHeader(headers['content-length']);
  if (raw === undefined) {
    const expectsBody = ['POST', 'PUT', 'PATCH'].includes(method.toUpperCase());
    return expectsBody || headers['transfer-encoding'] !== undefined
      ? new FaceQualityError(
          'LENGTH_REQUIRED',
          'Content-Length is required (chunked uploads are not accepted)',
        )
      : undefined;
  }
  const lengthBytes = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(lengthBytes)) {
    return new FaceQualityError('INVALID_ARGUMENT', 'Content-Length is not a number');
  }
  if (lengthBytes > maxBodyBytes) {
    return new FaceQualityError(
      'CONTENT_TOO_LARGE',
      `Request body is ${lengthBytes} bytes; at most ${maxBodyBytes} bytes accepted`,
    );
  }
  return undefined;
}
