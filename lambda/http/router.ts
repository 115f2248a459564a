/**
 * Routes of the API, over `@middy/http-router`. An unknown path or method throws NOT_FOUND, so it
 * answers 404 in the same JSON shape as every other error (the router's default is a bare 404).
 */
import type { Route } from '@middy/http-router';
import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, Handler } from 'aws-lambda';
import { FaceQualityError } from '../errors.js';

/** The contract's endpoint. */
export const STATELESS_PATH = '/quality/face/stateless';
/** Where clients fetch the public key they encrypt with. */
export const ENCRYPTION_KEY_PATH = '/quality/face/encryption-key';

export type RouteHandler = Handler<APIGatewayProxyEvent, APIGatewayProxyResult>;

export interface RouteHandlers {
  /** `POST /quality/face/stateless`. */
  readonly stateless: RouteHandler;
  /** `GET /quality/face/encryption-key`. */
  readonly encryptionKey: RouteHandler;
  /** `OPTIONS` on both paths (CORS preflight); absent when CORS is off. */
  readonly preflight?: RouteHandler;
}

/** The route table: method, path, handler. */
export function routes(handlers: RouteHandlers): Route<APIGatewayProxyEvent, APIGatewayProxyResult>[] {
  const table: Route<APIGatewayProxyEvent, APIGatewayProxyResult>[] = [
    { method: 'POST', path: STATELESS_PATH, handler: handlers.stateless },
    { method: 'GET', path: ENCRYPTION_KEY_PATH, handler: handlers.encryptionKey },
  ];
  if (handlers.preflight !== undefined) {
    for (const path of [STATELESS_PATH, ENCRYPTION_KEY_PATH]) {
      table.push({ method: 'OPTIONS', path, handler: handlers.preflight });
    }
  }
  return table;
}

/** Thrown for every request no route matches. */
export function routeNotFound(): never {
  throw new FaceQualityError('NOT_FOUND', 'Not found: the API serves POST /quality/face/stateless');
}

/** A handler that dispatches to {@link routes} and throws NOT_FOUND for anything else. */
export function createRouter(
  handlers: RouteHandlers,
): (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult> {
  const router = httpRouterHandler<APIGatewayProxyEvent, APIGatewayProxyResult>({
    routes: routes(handlers),
    notFoundResponse: routeNotFound,
  });
  return async (event, context) => router(event, context);
}
