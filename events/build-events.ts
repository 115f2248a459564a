/**
 * Builds example API Gateway REST (v1 proxy) events for `npm run invoke -- events/<name>.json`:
 *
 * - `stateless-astronaut.local.json`: a valid request, test/fixtures/astronaut.png encrypted with
 *   the local key pair (LOCAL_KEY_DIR, default .local-keys; generated on first use) → 200, code 1000
 * - `stateless-no-face.local.json`: test/fixtures/no-face-coffee.png, same key → 400, code 4000
 * - `stateless-bad-base64.json`: `encrypted_image` that is not base64 → 400, code 1200
 * - `unknown-route.json`: `GET /quality/face/unknown` → 404
 * - `encryption-key.json`: `GET /quality/face/encryption-key` → 200, the public key
 *
 * `*.local.json` files hold ciphertext for YOUR local key, are about 1 MB, and are not meant to be
 * committed; the other three are small, deterministic and committed.
 *
 * Run: `npx tsx events/build-events.ts`
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lambda/config.js';
import { encryptImage, ensureLocalKeyPair, rsaKeyInfo } from '../lambda/crypto/index.js';
import { ENCRYPTED_IMAGE_FIELD } from '../lambda/http/parse-form.js';
import { ENCRYPTION_KEY_PATH, STATELESS_PATH } from '../lambda/http/router.js';
import { type LocalRequest, toApiGatewayEvent } from '../lambda/local/event.js';

const EVENTS_DIR = dirname(fileURLToPath(import.meta.url));
const FIXTURES_DIR = join(EVENTS_DIR, '..', 'test', 'fixtures');
/** A fixed time keeps the committed events byte-identical between runs. */
const TIME_EPOCH_MS = Date.UTC(2025, 0, 1);

const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'curl/8.5.0' };

function request(name: string, fields: Omit<LocalRequest, 'requestId' | 'timeEpochMs'>): LocalRequest {
  return { ...fields, requestId: `example-${name}`, timeEpochMs: TIME_EPOCH_MS };
}

async function write(name: string, req: LocalRequest): Promise<void> {
  const file = join(EVENTS_DIR, `${name}.json`);
  await writeFile(file, `${JSON.stringify(toApiGatewayEvent(req), null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}

const config = loadConfig();
const pair = await ensureLocalKeyPair(config.keys.localKeyDir);
const key = rsaKeyInfo(pair.publicKeyPem, config.keys.keyNamespace, pair.keyName);

for (const [name, fixture] of [
  ['stateless-astronaut.local', 'astronaut.png'],
  ['stateless-no-face.local', 'no-face-coffee.png'],
] as const) {
  const encrypted = await encryptImage(await readFile(join(FIXTURES_DIR, fixture)), key);
  await write(
    name,
    request(name.replace('.local', ''), {
      method: 'POST',
      url: STATELESS_PATH,
      headers: FORM_HEADERS,
      body: `${ENCRYPTED_IMAGE_FIELD}=${encodeURIComponent(encrypted)}`,
    }),
  );
}
await write(
  'stateless-bad-base64',
  request('bad-base64', {
    method: 'POST',
    url: STATELESS_PATH,
    headers: FORM_HEADERS,
    body: `${ENCRYPTED_IMAGE_FIELD}=${encodeURIComponent('this is not base64!')}`,
  }),
);
await write(
  'unknown-route',
  request('unknown-route', { method: 'GET', url: '/quality/face/unknown', headers: {} }),
);
await write(
  'encryption-key',
  request('encryption-key', { method: 'GET', url: ENCRYPTION_KEY_PATH, headers: {} }),
);
