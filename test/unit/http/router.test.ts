import { describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { isFaceQualityError } from '../../../lambda/errors.js';
import {
  createRouter,
  ENCRYPTION_KEY_PATH,
  type RouteHandler,
  STATELESS_PATH,
} from '../../../lambda/http/router.js';

function answering(name: string): RouteHandler {
  return async () => ({ statusCode: 200, body: name });
}

const handlers = { stateless: answering('stateless'), encryptionKey: answering('key') };

function event(httpMethod: string, path: string): APIGatewayProxyEvent {
  return { httpMethod, path, headers: {}, body: null } as unknown as APIGatewayProxyEvent;
}

const context = {} as Context;

async function route(router: ReturnType<typeof createRouter>, method: string, path: string): Promise<string> {
  try {
    const result: APIGatewayProxyResult = await router(event(method, path), context);
    return result.body;
  } catch (e) {
    if (isFaceQualityError(e, 'NOT_FOUND')) return 'NOT_FOUND';
    throw e;
  }
}

describe('createRouter', () => {
  const router = createRouter(handlers);

  it.each([
    ['POST', STATELESS_PATH, 'stateless'],
    ['POST', `${STATELESS_PATH}/`, 'stateless'],
    ['GET', ENCRYPTION_KEY_PATH, 'key'],
  ])('routes %s %s', async (method, path, expected) => {
    expect(await route(router, method, path)).toBe(expected);
  });

  it.each([
    ['GET', STATELESS_PATH],
    ['PUT', STATELESS_PATH],
    ['DELETE', STATELESS_PATH],
    ['POST', ENCRYPTION_KEY_PATH],
    ['POST', '/quality/face/stateful'],
    ['POST', '/quality/face/stateless/extra'],
    ['POST', '/QUALITY/FACE/STATELESS'],
    ['GET', '/'],
    ['OPTIONS', STATELESS_PATH],
    ['HEAD', ENCRYPTION_KEY_PATH],
  ])('throws NOT_FOUND for %s %s', async (method, path) => {
    expect(await route(router, method, path)).toBe('NOT_FOUND');
  });

  it('routes OPTIONS on both paths only when a preflight handler is given', async () => {
    const withCors = createRouter({ ...handlers, preflight: answering('preflight') });
    expect(await route(withCors, 'OPTIONS', STATELESS_PATH)).toBe('preflight');
    expect(await route(withCors, 'OPTIONS', ENCRYPTION_KEY_PATH)).toBe('preflight');
    expect(await route(withCors, 'OPTIONS', '/other')).toBe('NOT_FOUND');
  });
});
