/**
 * Faults on our side: KMS throttled, failing, unreachable or hanging, a model that throws, a
 * decoder that throws. Each answers 500 with the generic message (the cause only in the log, by
 * name), and the same server answers the next request normally (1000 on the face photo). Real
 * HTTP, the real engine, and the real AWS SDK client with the production retry and timeout
 * settings talking over HTTP to a fake KMS endpoint (test/helpers/fake-kms.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AppDependencies } from '../../lambda/app.js';
import { createHandler } from '../../lambda/app.js';
import { engineOptions } from '../../lambda/config.js';
import { createDecryptor, type EncryptionKeyInfo } from '../../lambda/crypto/index.js';
import { KMS_CALL_SETTINGS } from '../../lambda/crypto/kms-client.js';
import { createEngine, type Engine } from '../../lambda/engine/index.js';
import { openImage } from '../../lambda/image/decode.js';
import type { RunningServer } from '../../lambda/local/server.js';
import { startServer } from '../../lambda/local/server.js';
import { redirectJsonLines } from '../../lambda/observability/output.js';
import { liveTensors } from '../../scripts/soak-stats.js';
import { type FakeKms, startFakeKms } from '../helpers/fake-kms.js';
import { readFixture } from '../helpers/fixtures.js';
import { rsaKeyPair } from '../unit/crypto/helpers.js';
import {
  type Answer,
  encrypt,
  fetchKey,
  postForm,
  removeDir,
  STATELESS,
  tempDir,
  testConfig,
} from './support.js';

const REGION = 'eu-west-1';
const KEY_ARN = `arn:aws:kms:${REGION}:111122223333:key/0f1e2d3c-aaaa-bbbb-cccc-00000000f417`;

const logLines: string[] = [];
let keyDir: string;
let kms: FakeKms;
let engine: Engine;
let server: RunningServer;
let url: string;
let key: EncryptionKeyInfo;
let photo: string;
const faults = { model: false, decoder: false };

let stopCapture: () => void = () => undefined;

beforeAll(async () => {
  stopCapture = redirectJsonLines((line) => logLines.push(line));
  keyDir = await tempDir('faults-keys');
  const config = testConfig(keyDir, { KEY_SOURCE: 'kms', KMS_RSA_KEY_ARN: KEY_ARN });
  kms = await startFakeKms(KEY_ARN, rsaKeyPair().privateKeyPem);
  engine = await createEngine(engineOptions(config));
  const decryptor = await createDecryptor(config.keys, config.limits, { kmsClient: kms.client(REGION) });
  const faultyEngine: AppDependencies['engine'] = {
    analyze: (image) => {
      if (faults.model) return Promise.reject(new RangeError('simulated model failure in /opt/models'));
      return engine.analyze(image);
    },
  };
  const faultyOpen: AppDependencies['open'] = (bytes, limits) => {
    if (faults.decoder) return Promise.reject(new Error('simulated vips failure: out of memory'));
    return openImage(bytes, limits);
  };
  const handler = createHandler({
    config,
    engine: faultyEngine,
    decryptor,
    open: faultyOpen,
  });
  server = await startServer({ port: 0, config, handler });
  url = `${server.url}${STATELESS}`;
  key = await fetchKey(server.url);
  photo = await encrypt(await readFixture('astronaut.png'), key);
});

afterAll(async () => {
  stopCapture();
  await server?.close();
  await kms?.close();
  engine?.dispose();
  await removeDir(keyDir);
});

/** The log record of the request that got `answer`. */
function logOf(answer: Answer): Record<string, unknown> | undefined {
  return logLines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((record) => record.request_id === answer.json.request_id && typeof record.status === 'number');
}

function expectInternalError(answer: Answer, cause: RegExp): void {
  expect({ status: answer.status, code: answer.json.code, message: answer.json.message }).toEqual({
    status: 500,
    code: 500,
    message: 'internal error',
  });
  expect(Object.keys(answer.json).sort()).toEqual(['code', 'message', 'request_id']);
  expect(String(logOf(answer)?.error_name)).toMatch(cause);
  expect(answer.text).not.toMatch(/simulated|Throttling|KMS|vips|models/);
}

async function expectServing(): Promise<void> {
  const answer = await postForm(url, photo);
  expect({ status: answer.status, code: answer.json.code }).toEqual({ status: 200, code: 1000 });
}

describe('KMS faults', () => {
  it('serves a photo while KMS is healthy', async () => {
    await expectServing();
  });

  it('answers 500 when KMS throttles every attempt, after the configured attempts', async () => {
    kms.mode = 'throttle';
    const before = kms.calls.Decrypt ?? 0;
    expectInternalError(await postForm(url, photo), /ThrottlingException/);
    expect((kms.calls.Decrypt ?? 0) - before).toBe(KMS_CALL_SETTINGS.maxAttempts);
    kms.mode = 'ok';
    await expectServing();
  });

  it('answers 500 when KMS fails with 5xx', async () => {
    kms.mode = 'unavailable';
    expectInternalError(await postForm(url, photo), /KMSInternalException/);
    kms.mode = 'ok';
    await expectServing();
  });

  it('answers 500 when KMS cannot be reached', async () => {
    kms.mode = 'reset';
    // Keep-alive connections opened before would still work: start from fresh ones.
    kms.dropConnections();
    const before = kms.calls.connectionsReset ?? 0;
    expectInternalError(await postForm(url, photo), /^FaceQualityError<Error$/);
    // How many attempts the SDK makes depends on how the reset reaches it (a reset before the
    // request is written and one after it are classed differently by its retry strategy; CI saw
    // 2 of 3), so the property checked is the bound: never more than maxAttempts connections.
    const attempts = (kms.calls.connectionsReset ?? 0) - before;
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(KMS_CALL_SETTINGS.maxAttempts);
    kms.mode = 'ok';
    await expectServing();
  });

  it('answers 500 within the call budget when KMS never answers', async () => {
    kms.mode = 'hang';
    const before = kms.calls.Decrypt ?? 0;
    const started = performance.now();
    const answer = await postForm(url, photo);
    const elapsedMs = performance.now() - started;
    expectInternalError(answer, /^FaceQualityError<KmsDeadlineError$/);
    // Each attempt is cut after requestTimeoutMs; the call as a whole after callBudgetMs.
    expect(elapsedMs).toBeGreaterThanOrEqual(KMS_CALL_SETTINGS.requestTimeoutMs);
    expect(elapsedMs).toBeLessThan(KMS_CALL_SETTINGS.messageBudgetMs + 5000);
    expect((kms.calls.Decrypt ?? 0) - before).toBeGreaterThanOrEqual(2);
    kms.mode = 'ok';
    await expectServing();
  }, 30_000);
});

describe('engine and intake faults', () => {
  it('answers 500 when the model throws, and the next request normally', async () => {
    const tensors = liveTensors();
    faults.model = true;
    expectInternalError(await postForm(url, photo), /RangeError/);
    faults.model = false;
    await expectServing();
    expect(liveTensors()).toBe(tensors);
  });

  it('answers 500 when the decoder throws, and the next request normally', async () => {
    faults.decoder = true;
    expectInternalError(await postForm(url, photo), /^Error$/);
    faults.decoder = false;
    await expectServing();
  });
});
