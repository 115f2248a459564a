/**
 * Contract rows that need their own server: size limits (small MAX_BODY_BYTES / MAX_IMAGE_BYTES),
 * uploads without a length, an engine that fails (500) and CORS. Real HTTP, real decryptor and
 * image intake; the engine is injected through createHandler, so no model is loaded here.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AppDependencies } from '../../lambda/app.js';
import { createHandler } from '../../lambda/app.js';
import type { AppConfig } from '../../lambda/config.js';
import type { Decryptor, EncryptionKeyInfo } from '../../lambda/crypto/index.js';
import { createDecryptor } from '../../lambda/crypto/index.js';
import type { ImageSource, RawImage } from '../../lambda/engine/types.js';
import type { RunningServer } from '../../lambda/local/server.js';
import { startServer } from '../../lambda/local/server.js';
import { redirectJsonLines } from '../../lambda/observability/output.js';
import {
  type Answer,
  encrypt,
  fetchKey,
  getJson,
  greyPng,
  KEY,
  noise,
  post,
  postForm,
  rawRequest,
  removeDir,
  STATELESS,
  tempDir,
  testConfig,
} from './support.js';

const MAX_BODY_BYTES = 200_000;
const MAX_IMAGE_BYTES = 50_000;
const ORIGIN = 'https://app.example.com';
/** What the failing engine throws: nothing of it may reach the client. */
const ENGINE_FAILURE = 'wasm backend crashed reading /opt/models/ssd_mobilenetv1';

/** Every log and metric line the server and the handler write (Powertools writes to stdout/stderr). */
const logLines: string[] = [];
let stopCapture: () => void = () => undefined;
let keyDir: string;
let config: AppConfig;
let decryptor: Decryptor;
let server: RunningServer;
let url: string;
let key: EncryptionKeyInfo;
const analyzed: (RawImage | ImageSource)[] = [];

beforeAll(async () => {
  stopCapture = redirectJsonLines((line) => logLines.push(line));
  keyDir = await tempDir('limits-keys');
  config = testConfig(keyDir, {
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    MAX_IMAGE_BYTES: String(MAX_IMAGE_BYTES),
    ALLOWED_ORIGINS: ORIGIN,
  });
  decryptor = await createDecryptor(config.keys, config.limits);
  const failingEngine: AppDependencies['engine'] = {
    analyze: async (image) => {
      analyzed.push(image);
      throw new TypeError(ENGINE_FAILURE);
    },
  };
  const handler = createHandler({
    config,
    engine: failingEngine,
    decryptor,
  });
  server = await startServer({ port: 0, config, handler });
  url = `${server.url}${STATELESS}`;
  key = await fetchKey(server.url);
});

afterAll(async () => {
  stopCapture();
  await server.close();
  await removeDir(keyDir);
});

function expectError(answer: Answer, status: number, code: number): void {
  expect({ status: answer.status, code: answer.json.code }).toEqual({ status, code });
  expect(answer.json.request_id).toBe(answer.headers.get('x-request-id'));
}

describe('2004 invalid content length', () => {
  it('413 for a body over MAX_BODY_BYTES, refused from its Content-Length', async () => {
    const answer = await postForm(url, 'A'.repeat(MAX_BODY_BYTES));
    expectError(answer, 413, 2004);
  });

  it('413 before the body is sent when the client asks "Expect: 100-continue" (as curl does)', async () => {
    const answer = await rawRequest(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(MAX_BODY_BYTES + 1),
        expect: '100-continue',
      },
      chunks: [Buffer.alloc(MAX_BODY_BYTES + 1, 0x41)],
      waitForContinue: true,
    });
    expect({ status: answer.status, continued: answer.continued }).toEqual({ status: 413, continued: false });
    expect(JSON.parse(answer.text)).toMatchObject({ code: 2004 });
  });

  it('413 for a decrypted image over MAX_IMAGE_BYTES', async () => {
    const encrypted = await encrypt(noise(MAX_IMAGE_BYTES + 1), key);
    expect(encrypted.length).toBeLessThan(MAX_BODY_BYTES);
    expectError(await postForm(url, encrypted), 413, 2004);
  });

  it('411 for a chunked upload without Content-Length', async () => {
    const answer = await rawRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
      chunks: [Buffer.from('encrypted_image='), Buffer.from('AAAA')],
    });
    expect(answer.status).toBe(411);
    expect(JSON.parse(answer.text)).toMatchObject({ code: 2004 });
  });

  it('leaves the server serving after refusals', async () => {
    expect((await getJson(`${server.url}${KEY}`)).status).toBe(200);
  });
});

describe('500 internal error', () => {
  it('answers a failing engine with a generic message, and logs the error name only', async () => {
    const answer = await postForm(url, await encrypt(await greyPng(64, 64), key));
    expect(analyzed).toHaveLength(1);
    expectError(answer, 500, 500);
    expect(answer.json.message).toBe('internal error');
    expect(answer.text).not.toMatch(/wasm|models|TypeError/);
    const record = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((r) => r.request_id === answer.json.request_id && r.message === 'request failed');
    expect(record).toMatchObject({ level: 'ERROR', status: 500, code: 500, error_name: 'TypeError' });
    expect(logLines.join('\n')).not.toContain(ENGINE_FAILURE);
  });
});

describe('CORS (ALLOWED_ORIGINS set)', () => {
  it('allows a configured origin on answers and errors, and exposes x-request-id', async () => {
    for (const answer of [
      await getJson(`${server.url}${KEY}`, { headers: { origin: ORIGIN } }),
      await getJson(`${server.url}/nowhere`, { headers: { origin: ORIGIN } }),
    ]) {
      expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(answer.headers.get('access-control-expose-headers')).toBe('x-request-id');
    }
  });

  it('does not allow other origins', async () => {
    const answer = await getJson(`${server.url}${KEY}`, { headers: { origin: 'https://evil.example.net' } });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight with 204 and the allowed methods', async () => {
    const answer = await getJson(url, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(answer.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('sends no CORS headers when ALLOWED_ORIGINS is empty', async () => {
    const handler = createHandler({
      config: { ...config, allowedOrigins: [] },
      engine: { analyze: async () => ({ faces: [], timingsMs: {} }) },
      decryptor,
    });
    const plain = await startServer({ port: 0, config, handler });
    try {
      const answer = await getJson(`${plain.url}${KEY}`, { headers: { origin: ORIGIN } });
      expect(answer.status).toBe(200);
      expect([...answer.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
      const preflight = await getJson(`${plain.url}${STATELESS}`, {
        method: 'OPTIONS',
        headers: { origin: ORIGIN },
      });
      expect(preflight.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

describe('content type of refused uploads', () => {
  it('answers JSON with the request id header', async () => {
    const answer = await post(url, 'x'.repeat(MAX_BODY_BYTES + 1), 'text/plain');
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.headers.get('x-request-id')).toBe(answer.json.request_id);
  });
});
