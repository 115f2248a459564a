import { describe, expect, it } from '@jest/globals';
import type { RequestState } from '../../../lambda/http/request-context.js';
import {
  createLogger,
  MAX_LOG_STRING_CHARS,
  REDACTED,
  redact,
} from '../../../lambda/observability/logger.js';
import {
  buildEmf,
  METRIC_DIMENSIONS,
  METRIC_NAMES,
  METRICS_NAMESPACE,
  SERVICE_NAME,
} from '../../../lambda/observability/metrics.js';
import { summarizeRequest } from '../../../lambda/observability/middleware.js';

const BASE64 = Buffer.alloc(3000, 7).toString('base64');

describe('redact', () => {
  it('blanks values under payload- or key-like names, at any depth', () => {
    const out = redact({
      body: 'encrypted_image=abc',
      encrypted_image: 'abc',
      nested: { imageBytes: 'xyz', privateKeyPem: '-----BEGIN PRIVATE KEY-----' },
      list: [{ plaintext: 'p' }],
      request_id: 'r-1',
    });
    expect(out).toEqual({
      body: REDACTED,
      encrypted_image: REDACTED,
      nested: { imageBytes: REDACTED, privateKeyPem: REDACTED },
      list: [{ plaintext: REDACTED }],
      request_id: 'r-1',
    });
  });

  it('keeps numbers and flags under such names (sizes are useful)', () => {
    expect(redact({ body_bytes: 1234, encrypted: false })).toEqual({ body_bytes: 1234, encrypted: false });
  });

  it('drops every long string whole, under any name, so no prefix leaks', () => {
    const out = JSON.stringify(redact({ note: BASE64, deep: { list: [BASE64] } }));
    expect(out).not.toContain(BASE64.slice(0, 16));
    expect(out).toContain(`[${BASE64.length} chars omitted]`);
    const edge = 'a'.repeat(MAX_LOG_STRING_CHARS);
    expect(redact({ note: edge })).toEqual({ note: edge });
  });
});

describe('createLogger', () => {
  it('writes one JSON object per line with level, message, timestamp, service and redacted fields', () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      service: 'svc',
      sink: (l) => lines.push(l),
      nowMs: () => 0,
    });
    logger.info('hello', { request_id: 'r', body: 'secret' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      level: 'INFO',
      message: 'hello',
      timestamp: '1970-01-01T00:00:00.000Z',
      service: 'svc',
      request_id: 'r',
      body: REDACTED,
    });
  });

  it('drops records below its level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', service: 's', sink: (l) => lines.push(l) });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => JSON.parse(l).level)).toEqual(['WARN', 'ERROR']);
  });
});

describe('buildEmf', () => {
  const doc = buildEmf(
    {
      totalMs: 310.5,
      stageMs: { parse: 1, decrypt: 20, decode: 30, analyze: 250 },
      resultCode: 1000,
      status: 200,
      faceCount: 2,
    },
    1_700_000_000_000,
  );

  it('declares every metric it carries, under the FaceQuality namespace', () => {
    const directives = doc._aws.CloudWatchMetrics;
    expect(doc._aws.Timestamp).toBe(1_700_000_000_000);
    for (const directive of directives) {
      expect(directive.Namespace).toBe(METRICS_NAMESPACE);
      for (const dimensionSet of directive.Dimensions)
        for (const d of dimensionSet) expect(typeof doc[d]).toBe('string');
      for (const metric of directive.Metrics) expect(typeof doc[metric.Name]).toBe('number');
    }
    expect(doc[METRIC_DIMENSIONS.service]).toBe(SERVICE_NAME);
    expect(doc[METRIC_DIMENSIONS.resultCode]).toBe('1000');
  });

  it('records latency per stage, the face count and no error', () => {
    expect(doc).toMatchObject({
      [METRIC_NAMES.latency]: 310.5,
      [METRIC_NAMES.stageLatency.analyze]: 250,
      [METRIC_NAMES.stageLatency.decrypt]: 20,
      [METRIC_NAMES.faceCount]: 2,
      [METRIC_NAMES.requests]: 1,
      [METRIC_NAMES.internalErrors]: 0,
      [METRIC_NAMES.clientErrors]: 0,
      [METRIC_NAMES.results]: 1,
    });
  });

  it('counts a 5xx as an internal error and omits stages that did not run and the face count', () => {
    const failed = buildEmf({ totalMs: 5, stageMs: { parse: 1 }, resultCode: 500, status: 500 }, 0);
    expect(failed[METRIC_NAMES.internalErrors]).toBe(1);
    expect(failed[METRIC_NAMES.clientErrors]).toBe(0);
    expect(failed).not.toHaveProperty(METRIC_NAMES.faceCount);
    expect(failed).not.toHaveProperty(METRIC_NAMES.stageLatency.analyze);
    const declared = failed._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => m.Name));
    expect(declared).not.toContain(METRIC_NAMES.stageLatency.analyze);
  });

  it('counts a 4xx as a client error', () => {
    const rejected = buildEmf({ totalMs: 5, stageMs: {}, resultCode: 1200, status: 400 }, 0);
    expect(rejected[METRIC_NAMES.clientErrors]).toBe(1);
    expect(rejected[METRIC_DIMENSIONS.resultCode]).toBe('1200');
  });
});

describe('summarizeRequest', () => {
  function state(overrides: Partial<RequestState> = {}): RequestState {
    return {
      requestId: 'r',
      startedAtMs: 100,
      timingsMs: { parse: 2 },
      method: 'POST',
      path: '/p',
      ...overrides,
    };
  }

  it('logs ids, codes, sizes and timings, never the field or the photo', () => {
    const { fields, metrics } = summarizeRequest(
      state({
        encryptedImage: BASE64,
        imageBytes: new Uint8Array([1, 2, 3]),
        bodyBytes: 42,
        outcome: { code: 1000, status: 200, faceCount: 1 },
      }),
      200,
      350,
      true,
    );
    expect(fields).toMatchObject({
      request_id: 'r',
      status: 200,
      code: 1000,
      face_count: 1,
      body_bytes: 42,
      latency_ms: 250,
      timings_ms: { parse: 2 },
      cold_start: true,
    });
    expect(JSON.stringify(fields)).not.toContain(BASE64.slice(0, 16));
    expect(metrics).toEqual({
      totalMs: 250,
      stageMs: { parse: 2 },
      resultCode: 1000,
      status: 200,
      faceCount: 1,
    });
  });

  it('derives the code from the status when no outcome was recorded', () => {
    expect(summarizeRequest(state(), 204, 101, false).metrics.resultCode).toBe(1000);
    expect(summarizeRequest(state(), 502, 101, false).metrics.resultCode).toBe(502);
  });
});
