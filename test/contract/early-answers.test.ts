/**
 * Answers the local server gives before reading a body (413 over MAX_BODY_BYTES, 411 without a
 * Content-Length) must reach the client on a keep-alive connection, however the client sends:
 * Node's fetch writes strings at once and streams Blob, FormData and ReadableStream bodies, and
 * it was the streamed ones that got EPIPE when the server closed the socket mid-upload.
 * Real HTTP, real handler and decryptor; no model is loaded (no request reaches the engine).
 */
import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHandler } from '../../lambda/app.js';
import { DEFAULT_LIMITS } from '../../lambda/config.js';
import { createDecryptor } from '../../lambda/crypto/index.js';
import type { RunningServer } from '../../lambda/local/server.js';
import { startServer } from '../../lambda/local/server.js';
import { KEY, removeDir, STATELESS, tempDir, testConfig } from './support.js';

/** The body: 7 MB, over the default MAX_BODY_BYTES (6,000,000). */
const BODY_BYTES = 7_000_000;
const FIELD = `encrypted_image=${'A'.repeat(BODY_BYTES - 16)}`;

let server: RunningServer;
let keyDir: string;
let url: string;

beforeAll(async () => {
  keyDir = await tempDir('early-keys');
  const config = testConfig(keyDir);
  expect(config.limits.maxBodyBytes).toBe(DEFAULT_LIMITS.maxBodyBytes);
  const decryptor = await createDecryptor(config.keys, config.limits);
  const handler = createHandler({
    config,
    engine: {
      analyze: async () => {
        throw new Error('no request of this file reaches the engine');
      },
    },
    decryptor,
  });
  server = await startServer({ port: 0, config, handler });
  url = `${server.url}${STATELESS}`;
});

afterAll(async () => {
  await server.close();
  await removeDir(keyDir);
});

/** POSTs with fetch and returns status and parsed body; a network error fails the test with its cause. */
async function fetchPost(init: RequestInit): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', ...init });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function expectContractError(
  answer: { status: number; json: Record<string, unknown> },
  status: number,
): void {
  expect(answer.status).toBe(status);
  expect(answer.json.code).toBe(2004);
  expect(typeof answer.json.message).toBe('string');
  expect(typeof answer.json.request_id).toBe('string');
}

const form = 'application/x-www-form-urlencoded';
const bodies: Record<string, () => RequestInit> = {
  string: () => ({ headers: { 'content-type': form }, body: FIELD }),
  Blob: () => ({ headers: { 'content-type': form }, body: new Blob([FIELD]) }),
  FormData: () => {
    const data = new FormData();
    data.set('encrypted_image', FIELD.slice(16));
    return { body: data };
  },
};

describe('a 7 MB body posted three times in a row with fetch (one keep-alive pool)', () => {
  for (const [kind, init] of Object.entries(bodies)) {
    it(`answers a readable 413 with code 2004 every time (${kind} body)`, async () => {
      for (let i = 0; i < 3; i++) expectContractError(await fetchPost(init()), 413);
    });
  }

  it('answers a readable 411 every time for a streamed body without Content-Length', async () => {
    for (let i = 0; i < 3; i++) {
      const stream = new Blob([FIELD]).stream();
      // `duplex: 'half'` is required by fetch for stream bodies; Node's RequestInit type lacks it.
      const init = { headers: { 'content-type': form }, body: stream, duplex: 'half' } as RequestInit;
      expectContractError(await fetchPost(init), 411);
    }
  });
});

/** One request through `agent`; reports whether it went over a socket an earlier request used. */
function agentRequest(
  agent: Agent,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; json: Record<string, unknown>; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> =
      body === undefined ? {} : { 'content-type': form, 'content-length': String(Buffer.byteLength(body)) };
    const parts: Buffer[] = [];
    let status = 0;
    const req = httpRequest(`${server.url}${path}`, { method, agent, headers });
    const responseEnded = new Promise<void>((ended) => {
      req.on('response', (res) => {
        status = res.statusCode ?? 0;
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', ended);
      });
    });
    // The socket returns to the agent's pool once the upload has finished too.
    const uploaded = new Promise<void>((finished) => req.on('finish', finished));
    req.on('error', reject);
    req.end(body);
    Promise.all([responseEnded, uploaded]).then(() => {
      resolve({
        status,
        json: JSON.parse(Buffer.concat(parts).toString('utf8')),
        reusedSocket: req.reusedSocket,
      });
    }, reject);
  });
}

describe('the connection survives the refusal', () => {
  it('serves the next requests on the same socket after 413s', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const answers = [
        await agentRequest(agent, 'POST', STATELESS, FIELD),
        await agentRequest(agent, 'POST', STATELESS, FIELD),
        await agentRequest(agent, 'GET', KEY),
      ];
      expect(answers.map((a) => [a.status, a.json.code])).toEqual([
        [413, 2004],
        [413, 2004],
        [200, undefined],
      ]);
      expect(answers.map((a) => a.reusedSocket)).toEqual([false, true, true]);
    } finally {
      agent.destroy();
    }
  });
});
