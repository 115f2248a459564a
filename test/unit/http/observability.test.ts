import { describe, expect, it } from '@jest/globals';
import type { RequestState } from '../../../lambda/http/request-context.js';
import { createLogger, parseLogLevel } from '../../../lambda/observability/logger.js';
import {
  createMetrics,
  METRIC_DIMENSIONS,
  METRIC_NAMES,
  METRICS_NAMESPACE,
  recordRequestMetrics,
  requestMetricValues,
  SERVICE_NAME,
} from '../../../lambda/observability/metrics.js';
import { summarizeRequest } from '../../../lambda/observability/middleware.js';
import { redirectJsonLines } from '../../../lambda/observability/output.js';
import { MAX_LOG_STRING_CHARS, REDACTED, redactReplacer } from '../../../lambda/observability/redact.js';

const BASE64 = Buffer.alloc(3000, 7).toString('base64');

/** Runs `work` and returns the JSON lines it wrote to stdout/stderr, parsed. */
function captured(work: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const stop = redirectJsonLines((line) => lines.push(line));
  try {
    work();
  } finally {
    stop();
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('redactReplacer', () => {
  const redact = (value: unknown): unknown => JSON.parse(JSON.stringify(value, redactReplacer));

  it('blanks values under payload- or key-like names, at any depth', () => {
    expect(
      redact({
        body: 'encrypted_image=abc',
        encrypted_image: 'abc',
        nested: { imageBytes: 'xyz', privateKeyPem: '-----BEGIN PRIVATE KEY-----' },
        list: [{ plaintext: 'p' }],
        request_id: 'r-1',
      }),
    ).toEqual({
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

  it('drops every long string and every binary buffer whole, under any name, so no prefix leaks', () => {
    const out = JSON.stringify(
      { note: BASE64, deep: { list: [BASE64] }, raw: Buffer.from('abc'), view: new Uint8Array(4) },
      redactReplacer,
    );
    expect(out).not.toContain(BASE64.slice(0, 16));
    expect(out).toContain(`[${BASE64.length} chars omitted]`);
    expect(JSON.parse(out)).toMatchObject({ raw: '[3 bytes omitted]', view: '[4 bytes omitted]' });
    const edge = 'a'.repeat(MAX_LOG_STRING_CHARS);
    expect(redact({ note: edge })).toEqual({ note: edge });
  });
});

describe('createLogger (Powertools Logger)', () => {
  it('writes one JSON object per line with level, message, timestamp, service and redacted fields', () => {
    const logger = createLogger({ level: 'info', service: 'svc' });
    const [record, ...others] = captured(() =>
      logger.info('hello', { request_id: 'r', body: 'secret', note: BASE64 }),
    );
    expect(others).toHaveLength(0);
    expect(record).toMatchObject({
      level: 'INFO',
      message: 'hello',
      service: 'svc',
      request_id: 'r',
      body: REDACTED,
      note: `[${BASE64.length} chars omitted]`,
    });
    expect(Number.isNaN(Date.parse(String(record?.timestamp)))).toBe(false);
  });

  it('drops records below its level, and writes nothing when silent', () => {
    const logger = createLogger({ level: 'warn', service: 's' });
    const levels = captured(() => {
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
    }).map((r) => r.level);
    expect(levels).toEqual(['WARN', 'ERROR']);
    const silent = createLogger({ level: 'silent', service: 's' });
    expect(captured(() => silent.error('e'))).toEqual([]);
  });

  it('reads LOG_LEVEL values, falling back to info', () => {
    expect(['debug', 'warn', 'silent', 'loud'].map(parseLogLevel)).toEqual([
      'debug',
      'warn',
      'silent',
      'info',
    ]);
  });
});

describe('requestMetricValues', () => {
  const values = requestMetricValues({
    totalMs: 310.5,
    stageMs: { parse: 1, decrypt: 20, decode: 30, analyze: 250 },
    resultCode: 1000,
    status: 200,
    faceCount: 2,
  });
  const byName = Object.fromEntries(values.map((v) => [v.name, v.value]));

  it('records latency per stage that ran, the face count and no error', () => {
    expect(byName).toEqual({
      [METRIC_NAMES.latency]: 310.5,
      [METRIC_NAMES.stageLatency.parse]: 1,
      [METRIC_NAMES.stageLatency.decrypt]: 20,
      [METRIC_NAMES.stageLatency.decode]: 30,
      [METRIC_NAMES.stageLatency.analyze]: 250,
      [METRIC_NAMES.faceCount]: 2,
      [METRIC_NAMES.requests]: 1,
      [METRIC_NAMES.internalErrors]: 0,
      [METRIC_NAMES.clientErrors]: 0,
    });
    expect(values.find((v) => v.name === METRIC_NAMES.latency)?.unit).toBe('Milliseconds');
  });

  it('counts a 5xx as an internal error, a 4xx as a client error, and omits the face count on errors', () => {
    const failed = requestMetricValues({ totalMs: 5, stageMs: { parse: 1 }, resultCode: 500, status: 500 });
    const rejected = requestMetricValues({ totalMs: 5, stageMs: {}, resultCode: 1200, status: 400 });
    const get = (vs: typeof values, name: string) => vs.find((v) => v.name === name)?.value;
    expect([get(failed, METRIC_NAMES.internalErrors), get(failed, METRIC_NAMES.clientErrors)]).toEqual([
      1, 0,
    ]);
    expect([get(rejected, METRIC_NAMES.internalErrors), get(rejected, METRIC_NAMES.clientErrors)]).toEqual([
      0, 1,
    ]);
    expect(get(failed, METRIC_NAMES.faceCount)).toBeUndefined();
    expect(get(failed, METRIC_NAMES.stageLatency.analyze)).toBeUndefined();
  });
});

describe('recordRequestMetrics (Powertools Metrics)', () => {
  it('publishes the [service] metrics and a [service, ResultCode] Results count as EMF', () => {
    const metrics = createMetrics(createLogger({ level: 'warn', service: SERVICE_NAME }));
    const docs = captured(() => {
      recordRequestMetrics(metrics, { totalMs: 12, stageMs: { parse: 1 }, resultCode: 1200, status: 400 });
      metrics.publishStoredMetrics();
    });
    expect(docs).toHaveLength(2);
    for (const doc of docs) {
      const [directive] = (
        doc._aws as {
          CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
        }
      ).CloudWatchMetrics;
      expect(directive?.Namespace).toBe(METRICS_NAMESPACE);
      expect(doc[METRIC_DIMENSIONS.service]).toBe(SERVICE_NAME);
      for (const dimensionSet of directive?.Dimensions ?? [])
        for (const d of dimensionSet) expect(typeof doc[d]).toBe('string');
      for (const metric of directive?.Metrics ?? []) expect(typeof doc[metric.Name]).toBe('number');
    }
    const results = docs.find((d) => METRIC_NAMES.results in d);
    expect(results?._aws).toMatchObject({
      CloudWatchMetrics: [{ Dimensions: [[METRIC_DIMENSIONS.service, METRIC_DIMENSIONS.resultCode]] }],
    });
    expect(results?.[METRIC_DIMENSIONS.resultCode]).toBe('1200');
    const main = docs.find((d) => METRIC_NAMES.latency in d);
    expect(main?._aws).toMatchObject({ CloudWatchMetrics: [{ Dimensions: [[METRIC_DIMENSIONS.service]] }] });
    expect(main).toMatchObject({ [METRIC_NAMES.clientErrors]: 1, [METRIC_NAMES.stageLatency.parse]: 1 });
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
    );
    expect(fields).toMatchObject({
      request_id: 'r',
      status: 200,
      code: 1000,
      face_count: 1,
      body_bytes: 42,
      latency_ms: 250,
      timings_ms: { parse: 2 },
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
    expect(summarizeRequest(state(), 204, 101).metrics.resultCode).toBe(1000);
    expect(summarizeRequest(state(), 502, 101).metrics.resultCode).toBe(502);
  });
});
