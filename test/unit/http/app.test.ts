/**
 * The composed handler (createHandler) with a real decryptor and image intake and a scripted
 * engine: composition order, request ids, logs and metrics, without loading any model.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type ApiHandler, type AppDependencies, createHandler } from '../../../lambda/app.js';
import { loadConfig } from '../../../lambda/config.js';
import { createDecryptor, encryptImage } from '../../../lambda/crypto/index.js';
import type { FaceQuality, ImageSource, RawImage } from '../../../lambda/engine/types.js';
import { localContext, toApiGatewayEvent } from '../../../lambda/local/event.js';
import {
  METRIC_DIMENSIONS,
  METRIC_NAMES,
  METRICS_NAMESPACE,
  SERVICE_NAME,
} from '../../../lambda/observability/metrics.js';
import { removeDir, tempDir } from '../../contract/support.js';
import { readFixture } from '../../helpers/fixtures.js';
import { type CapturedLines, captureJsonLines, isEmf } from '../../helpers/output.js';
import { SAMPLE_FACE } from '../../helpers/sample-face.js';

const FACE = SAMPLE_FACE;

let keyDir: string;
let handler: ApiHandler;
let photo: Buffer;
let encrypted: string;
let output: CapturedLines;
let deps: Omit<AppDependencies, 'engine'>;
/** What the scripted engine answers next. */
let engineAnswer: (image: RawImage | ImageSource) => Promise<readonly FaceQuality[]>;

beforeAll(async () => {
  output = captureJsonLines();
  keyDir = await tempDir('app-keys');
  const config = loadConfig({ KEY_SOURCE: 'local', LOCAL_KEY_DIR: keyDir });
  const decryptor = await createDecryptor(config.keys, config.limits);
  deps = { config, decryptor };
  handler = createHandler({
    ...deps,
    engine: { analyze: async (image) => ({ faces: await engineAnswer(image), timingsMs: {} }) },
  });
  photo = await readFixture('no-face-coffee.png');
  encrypted = await encryptImage(photo, await decryptor.publicKeyInfo());
});

afterAll(async () => {
  output.stop();
  await removeDir(keyDir);
});

function formEvent(
  body: string,
  headers: Record<string, string> = {},
  requestId = 'apigw-req-1',
): APIGatewayProxyEvent {
  return toApiGatewayEvent({
    method: 'POST',
    url: '/quality/face/stateless',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
    requestId,
  });
}

async function invoke(event: APIGatewayProxyEvent) {
  output.clear();
  const result = await handler(event, localContext(event.requestContext?.requestId ?? 'ctx'));
  const records = output.records();
  return {
    result,
    json: JSON.parse(result.body) as Record<string, unknown>,
    logs: records.filter((r) => !isEmf(r)),
    metrics: records.filter(isEmf),
  };
}

describe('createHandler', () => {
  it('runs parse → decrypt → decode → analyze and answers the faces with the API Gateway request id', async () => {
    let seen: RawImage | ImageSource | undefined;
    engineAnswer = async (image) => {
      seen = image;
      return [FACE];
    };
    const { result, json } = await invoke(formEvent(`encrypted_image=${encodeURIComponent(encrypted)}`));
    expect(result.statusCode).toBe(200);
    expect(json).toEqual({ code: 1000, faces: [FACE], request_id: 'apigw-req-1' });
    expect(result.headers).toMatchObject({
      'x-request-id': 'apigw-req-1',
      'content-type': 'application/json',
    });
    expect(seen?.width).toBeGreaterThan(0);
  });

  it('writes one log line with the Lambda context and EMF metrics per request, without the field or the photo', async () => {
    engineAnswer = async () => [FACE, FACE];
    const { logs, metrics } = await invoke(formEvent(`encrypted_image=${encodeURIComponent(encrypted)}`));
    expect(logs).toHaveLength(1);
    const [log] = logs;
    expect(log).toMatchObject({
      level: 'INFO',
      service: SERVICE_NAME,
      request_id: 'apigw-req-1',
      function_request_id: 'apigw-req-1',
      function_name: 'face-quality-local',
      code: 1000,
      face_count: 2,
    });
    expect(typeof log?.cold_start).toBe('boolean');
    expect(Object.keys(log?.timings_ms ?? {})).toEqual(['parse', 'decrypt', 'decode', 'analyze']);
    const main = metrics.find((m) => METRIC_NAMES.faceCount in m);
    expect(main).toMatchObject({
      [METRIC_DIMENSIONS.service]: SERVICE_NAME,
      [METRIC_NAMES.faceCount]: 2,
      [METRIC_NAMES.requests]: 1,
      request_id: 'apigw-req-1',
    });
    expect(main?._aws).toMatchObject({
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [[METRIC_DIMENSIONS.service]] }],
    });
    const results = metrics.find((m) => METRIC_NAMES.results in m);
    expect(results).toMatchObject({ [METRIC_DIMENSIONS.resultCode]: '1000', [METRIC_NAMES.results]: 1 });
    const text = output.lines.join('\n');
    for (const secret of [encrypted, photo.toString('base64')]) {
      for (let i = 0; i < secret.length - 40; i += Math.floor(secret.length / 10)) {
        expect(text).not.toContain(secret.slice(i, i + 40));
      }
    }
  });

  it('sends the cold-start metric once, on the first request of an on-demand environment', async () => {
    // Powertools counts a cold start only where Lambda says the environment started on demand.
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    let fresh: ApiHandler;
    try {
      fresh = createHandler({ ...deps, engine: { analyze: async () => ({ faces: [FACE], timingsMs: {} }) } });
    } finally {
      delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    }
    output.clear();
    const event = formEvent(`encrypted_image=${encodeURIComponent(encrypted)}`);
    await fresh(event, localContext('fresh-1'));
    await fresh(event, localContext('fresh-2'));
    const records = output.records();
    const coldStarts = records.filter((m) => METRIC_NAMES.coldStart in m);
    expect(coldStarts).toHaveLength(1);
    expect(coldStarts[0]).toMatchObject({
      [METRIC_DIMENSIONS.service]: SERVICE_NAME,
      [METRIC_DIMENSIONS.functionName]: 'face-quality-local',
    });
    expect(records.filter((r) => r.message === 'request completed').map((r) => r.cold_start)).toEqual([
      true,
      false,
    ]);
  });

  it('answers 4000 when the engine finds no face', async () => {
    engineAnswer = async () => [];
    const { result, json } = await invoke(formEvent(`encrypted_image=${encodeURIComponent(encrypted)}`));
    expect(result.statusCode).toBe(400);
    expect(json).toEqual({ code: 4000, message: 'No face detected in the image', request_id: 'apigw-req-1' });
  });

  it('answers a failing engine with 500 and a generic message, logging the error name', async () => {
    engineAnswer = async () => {
      throw new RangeError('tensor shape [1,2,3] secret detail');
    };
    const { result, json, logs, metrics } = await invoke(
      formEvent(`encrypted_image=${encodeURIComponent(encrypted)}`),
    );
    expect(result.statusCode).toBe(500);
    expect(json).toEqual({ code: 500, message: 'internal error', request_id: 'apigw-req-1' });
    expect(logs[0]).toMatchObject({ level: 'ERROR', error_name: 'RangeError', code: 500 });
    expect(metrics.find((m) => METRIC_NAMES.internalErrors in m)?.[METRIC_NAMES.internalErrors]).toBe(1);
    expect(output.lines.join('\n')).not.toContain('secret detail');
  });

  it('reads an API Gateway base64 body and any header case', async () => {
    engineAnswer = async () => [FACE];
    const event = formEvent('');
    event.headers = { 'CONTENT-TYPE': 'application/x-www-form-urlencoded' };
    event.body = Buffer.from(`encrypted_image=${encodeURIComponent(encrypted)}`).toString('base64');
    event.isBase64Encoded = true;
    expect((await invoke(event)).result.statusCode).toBe(200);
  });

  it.each([
    ['absent', undefined],
    ['unsafe for a header', 'id\r\nx-evil: 1'],
    ['too long', 'a'.repeat(200)],
  ])('makes up a UUID when the event request id is %s', async (_, requestId) => {
    const event = formEvent('encrypted_image=');
    if (requestId === undefined) Reflect.deleteProperty(event, 'requestContext');
    else event.requestContext = { ...event.requestContext, requestId };
    const { result, json } = await invoke(event);
    expect(json.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(result.headers?.['x-request-id']).toBe(json.request_id);
  });

  it('answers 404 in the JSON shape for an unknown route', async () => {
    const event = toApiGatewayEvent({ method: 'GET', url: '/', headers: {}, requestId: 'r404' });
    const { result, json } = await invoke(event);
    expect(result.statusCode).toBe(404);
    expect(json).toMatchObject({ code: 404, request_id: 'r404' });
  });
});
