/**
 * The local server analyses at most MAX_CONCURRENT_ANALYSES photos at once; the other requests
 * wait with their bodies read, and requests that are no analysis are not held up. Real HTTP, real
 * decryptor and intake; the engine is a gate the test opens, so it can count overlapping analyses.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AppDependencies } from '../../lambda/app.js';
import { createHandler } from '../../lambda/app.js';
import { createDecryptor, type EncryptionKeyInfo } from '../../lambda/crypto/index.js';
import type { RunningServer } from '../../lambda/local/server.js';
import { startServer } from '../../lambda/local/server.js';
import {
  encrypt,
  fetchKey,
  getJson,
  greyPng,
  KEY,
  postForm,
  removeDir,
  STATELESS,
  tempDir,
  testConfig,
} from './support.js';

const MAX_CONCURRENT = 2;

let server: RunningServer;
let keyDir: string;
let key: EncryptionKeyInfo;
let running = 0;
let mostRunning = 0;
let analyses = 0;
let openGate: () => void = () => undefined;
let gate = Promise.resolve();

function closeGate(): void {
  gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
}

beforeAll(async () => {
  keyDir = await tempDir('bounded-keys');
  const config = testConfig(keyDir, { MAX_CONCURRENT_ANALYSES: String(MAX_CONCURRENT) });
  const engine: AppDependencies['engine'] = {
    analyze: async () => {
      analyses += 1;
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await gate;
      running -= 1;
      return { faces: [], timingsMs: {} };
    },
  };
  const decryptor = await createDecryptor(config.keys, config.limits);
  const handler = createHandler({ config, engine, decryptor });
  server = await startServer({ port: 0, config, handler });
  key = await fetchKey(server.url);
});

afterAll(async () => {
  openGate();
  await server.close();
  await removeDir(keyDir);
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('bounded analyses', () => {
  it(`runs at most ${MAX_CONCURRENT} analyses at once and answers every request`, async () => {
    const body = await encrypt(await greyPng(64, 64), key);
    closeGate();
    const answers = Array.from({ length: 5 }, () => postForm(`${server.url}${STATELESS}`, body));
    await until(() => server.analyses().waiting === 3);
    expect(server.analyses()).toEqual({ active: MAX_CONCURRENT, waiting: 3 });
    // A request that is no analysis is served meanwhile.
    expect((await getJson(`${server.url}${KEY}`)).status).toBe(200);
    openGate();
    const done = await Promise.all(answers);
    expect(done.map((a) => a.json.code)).toEqual([4000, 4000, 4000, 4000, 4000]);
    expect(mostRunning).toBe(MAX_CONCURRENT);
    expect(server.analyses()).toEqual({ active: 0, waiting: 0 });
  });

  it('skips the analysis of a client that hung up while waiting', async () => {
    const body = await encrypt(await greyPng(64, 64), key);
    closeGate();
    analyses = 0;
    const held = Array.from({ length: MAX_CONCURRENT }, () => postForm(`${server.url}${STATELESS}`, body));
    await until(() => server.analyses().active === MAX_CONCURRENT);
    const form = `encrypted_image=${encodeURIComponent(body)}`;
    const quitter = httpRequest(`${server.url}${STATELESS}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(form.length) },
    });
    quitter.on('error', () => undefined);
    quitter.end(form);
    await until(() => server.analyses().waiting === 1);
    quitter.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    openGate();
    await Promise.all(held);
    await until(() => server.analyses().active === 0);
    expect(analyses).toBe(MAX_CONCURRENT);
  });
});
