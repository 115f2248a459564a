/**
 * The composed handler (createHandler) with a real decryptor and image intake and a scripted
 * engine: composition order, request ids, logs and metrics, without loading any model.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type ApiHandler, createHandler } from '../../../lambda/app.js';
import { loadConfig } from '../../../lambda/config.js';
import { createDecryptor, encryptImage } from '../../../lambda/crypto/index.js';
import type { FaceQuality, ImageSource, RawImage } from '../../../lambda/engine/types.js';
import { localContext, toApiGatewayEvent } from '../../../lambda/local/event.js';
import { METRIC_NAMES, METRICS_NAMESPACE } from '../../../lambda/observability/metrics.js';
import { removeDir, tempDir } from '../../contract/support.js';
import { readFixture } from '../../helpers/fixtures.js';
import { SAMPLE_FACE } from '../../helpers/sample-face.js';

const FACE = SAMPLE_FACE;

let keyDir: string;
let handler: ApiHandler;
let photo: Buffer;
let encrypted: string;
const lines: string[] = [];
/** What the scripted engine answers next. */
let engineAnswer: (image: RawImage | ImageSource) => Promise<readonly FaceQuality[]>;

beforeAll(async () => {
  keyDir = await tempDir('app-keys');
  const config = loadConfig({ KEY_SOURCE: 'local', LOCAL_KEY_DIR: keyDir });
  const decryptor = await createDecryptor(config.keys, config.limits);
  handler = createHandler({
    config,
    decryptor,
    engine: { analyze: async (image) => ({ faces: await engineAnswer(image), timingsMs: {} }) },
    logSink: (line) => lines.push(line),
  });
  photo = await readFixture('no-face-coffee.png');
  encrypted = await encryptImage(photo, await decryptor.publicKeyInfo());
});

afterAll(() => removeDir(keyDir));

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
  lines.length = 0;
  const result = await handler(event, localContext(event.requestContext?.requestId ?? 'ctx'));
  return {
    result,
    json: JSON.parse(result.body) as Record<string, unknown>,
    records: lines.map((l) => JSON.parse(l)),
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

  it('writes one log record and one EMF record per request, without the field or the photo', async () => {
    engineAnswer = async () => [FACE, FACE];
    const { records } = await invoke(formEvent(`encrypted_image=${encodeURIComponent(encrypted)}`));
    expect(records).toHaveLength(2);
    const [log, emf] = records;
    expect(log).toMatchObject({ level: 'INFO', request_id: 'apigw-req-1', code: 1000, face_count: 2 });
    expect(Object.keys(log.timings_ms)).toEqual(['parse', 'decrypt', 'decode', 'analyze']);
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe(METRICS_NAMESPACE);
    expect(emf[METRIC_NAMES.faceCount]).toBe(2);
    const text = lines.join('\n');
    for (const secret of [encrypted, photo.toString('base64')]) {
      for (let i = 0; i < secret.length - 40; i += Math.floor(secret.length / 10)) {
        expect(text).not.toContain(secret.slice(i, i + 40));
      }
    }
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
    const { result, json, records } = await invoke(
      formEvent(`encrypted_image=${encodeURIComponent(encrypted)}`),
    );
    expect(result.statusCode).toBe(500);
    expect(json).toEqual({ code: 500, message: 'internal error', request_id: 'apigw-req-1' });
    expect(records[0]).toMatchObject({ level: 'ERROR', error_name: 'RangeError', code: 500 });
    expect(lines.join('\n')).not.toContain('secret detail');
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
