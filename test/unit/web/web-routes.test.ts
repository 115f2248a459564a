/** The local server's page, assets and OpenAPI document (lambda/local/web-routes.ts), over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { buildOpenApiDocument } from '../../../lambda/http/openapi.js';
import { type RunningServer, startServer } from '../../../lambda/local/server.js';
import { removeDir, tempDir, testConfig } from '../../contract/support.js';

let server: RunningServer;
let keyDir: string;
/** The API handler: only what the web routes do not answer reaches it. */
const apiCalls: string[] = [];

beforeAll(async () => {
  keyDir = await tempDir('web-keys');
  const handler = async (event: { httpMethod: string; path: string }): Promise<APIGatewayProxyResult> => {
    apiCalls.push(`${event.httpMethod} ${event.path}`);
    return { statusCode: 404, body: '{}' };
  };
  server = await startServer({ port: 0, config: testConfig(keyDir), handler });
});

afterAll(async () => {
  await server.close();
  await removeDir(keyDir);
});

describe('web routes of the local server', () => {
  it('serves the page, its stylesheet and its script bundled for the browser', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<script type="module" src="page.js">');
    const css = await fetch(`${server.url}/style.css`);
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    const script = await fetch(`${server.url}/page.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await script.text();
    // One self-contained module: no bare imports left for the browser to resolve.
    expect(/\bfrom\s*["'][^."']/.test(code)).toBe(false);
    // The Encryption SDK for browsers is in it (its raw RSA keyring wraps the data key with WebCrypto).
    expect(code.includes('wrapKey')).toBe(true);
    expect(apiCalls).toEqual([]);
  });

  it('serves the OpenAPI document', async () => {
    const answer = await fetch(`${server.url}/openapi.json`);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(await answer.json()).toEqual(buildOpenApiDocument());
    const head = await fetch(`${server.url}/openapi.json`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it('leaves every other request to the API handler', async () => {
    apiCalls.length = 0;
    await fetch(`${server.url}/openapi.json`, { method: 'POST', body: 'x' });
    await fetch(`${server.url}/page.ts`);
    await fetch(`${server.url}/quality/face/encryption-key`);
    expect(apiCalls).toEqual(['POST /openapi.json', 'GET /page.ts', 'GET /quality/face/encryption-key']);
  });
});
