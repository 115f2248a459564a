/**
 * The browser client module in Node, which has WebCrypto too: it encrypts with the Encryption
 * SDK for browsers and the server's decryptor reads it back; against a real local server it
 * fetches the key, posts and returns the typed answer, and refetches a rotated key once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHandler } from '../../../lambda/app.js';
import { createDecryptor, type Decryptor } from '../../../lambda/crypto/index.js';
import { type RunningServer, startServer } from '../../../lambda/local/server.js';
import { redirectJsonLines } from '../../../lambda/observability/output.js';
import type * as ClientModule from '../../../web/client.js';
import { removeDir, tempDir, testConfig } from '../../contract/support.js';
import { readFixture } from '../../helpers/fixtures.js';
import { SAMPLE_FACE } from '../../helpers/sample-face.js';

let client: typeof ClientModule;
let keyDir: string;
let decryptor: Decryptor;
let server: RunningServer;
let stopDiscarding: () => void = () => undefined;

beforeAll(async () => {
  // The SDK's WebCrypto backend looks for `window.crypto`; Node has the same API on globalThis.
  Object.assign(globalThis, { window: globalThis });
  client = await import('../../../web/client.js');
  stopDiscarding = redirectJsonLines(() => undefined);
  keyDir = await tempDir('client-keys');
  const config = testConfig(keyDir);
  decryptor = await createDecryptor(config.keys, config.limits);
  const handler = createHandler({
    config,
    decryptor,
    engine: {
      analyze: async (image) => ({ faces: image.width === 512 ? [SAMPLE_FACE] : [], timingsMs: {} }),
    },
  });
  server = await startServer({ port: 0, config, handler });
});

afterAll(async () => {
  await server.close();
  await removeDir(keyDir);
  stopDiscarding();
  Reflect.deleteProperty(globalThis, 'window');
});

describe('the browser client', () => {
  it('encrypts a photo that the server decrypts back to the same bytes', async () => {
    const photo = await readFixture('astronaut.png');
    const encrypted = await client.encryptForKey(photo, await decryptor.publicKeyInfo());
    expect(Buffer.from(await decryptor.decryptImage(encrypted)).equals(photo)).toBe(true);
  });

  it('checks a photo against the API and returns the typed answer', async () => {
    const api = client.createClient({ apiUrl: `${server.url}/` });
    const answer = await api.check(await readFixture('astronaut.png'));
    expect(answer).toMatchObject({ ok: true, status: 200, body: { code: 1000, faces: [SAMPLE_FACE] } });
    const noFace = await api.check(await readFixture('no-face-coffee.png'));
    expect(noFace).toMatchObject({ ok: false, status: 400, body: { code: 4000 } });
  });

  it('refetches the key once when a cached key no longer decrypts (1200), then succeeds', async () => {
    const stale = {
      ...(await decryptor.publicKeyInfo()),
      key_name: 'local-sha256-00000000000000000000000000000000',
    };
    let keyFetches = 0;
    const api = client.createClient({
      apiUrl: server.url,
      fetch: async (input, init) => {
        if (String(input).endsWith('/encryption-key') && keyFetches++ === 0) {
          return new Response(JSON.stringify(stale), { status: 200 });
        }
        return fetch(input, init);
      },
    });
    const answer = await api.check(await readFixture('astronaut.png'));
    expect(answer.ok).toBe(true);
    expect(keyFetches).toBe(2);
  });

  it('explains an unreachable API', async () => {
    const api = client.createClient({ apiUrl: 'http://127.0.0.1:9' });
    await expect(api.check(new Uint8Array([1]))).rejects.toThrow(/cannot reach .*ALLOWED_ORIGINS/);
  });

  it('converts PEM and base64 like the server expects', () => {
    expect(client.toBase64(new Uint8Array([0xfb, 0xff]))).toBe('+/8=');
    const big = new Uint8Array(200_000).fill(7);
    expect(Buffer.from(client.toBase64(big), 'base64').equals(Buffer.from(big))).toBe(true);
    expect([...client.pemToDer('-----BEGIN PUBLIC KEY-----\nAQID\n-----END PUBLIC KEY-----\n')]).toEqual([
      1, 2, 3,
    ]);
  });
});
