import { describe, expect, it } from '@jest/globals';
import { checkContentLength, localContext, toApiGatewayEvent } from '../../../lambda/local/event.js';

describe('toApiGatewayEvent', () => {
  const base = { requestId: 'req-1', timeEpochMs: 1_700_000_000_000 };

  it('builds a v1 proxy event: method, path without query, query maps, request id', () => {
    const event = toApiGatewayEvent({
      ...base,
      method: 'POST',
      url: '/quality/face/stateless?a=1&a=2&b=3',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-multi': ['p', 'q'] },
      body: 'encrypted_image=abc',
    });
    expect(event).toMatchObject({
      httpMethod: 'POST',
      path: '/quality/face/stateless',
      body: 'encrypted_image=abc',
      isBase64Encoded: false,
      queryStringParameters: { a: '2', b: '3' },
      multiValueQueryStringParameters: { a: ['1', '2'], b: ['3'] },
      headers: { 'x-multi': 'p,q' },
      multiValueHeaders: { 'x-multi': ['p', 'q'] },
      requestContext: { requestId: 'req-1', httpMethod: 'POST', requestTimeEpoch: 1_700_000_000_000 },
    });
  });

  it.each(['multipart/form-data; boundary=b', 'application/octet-stream', 'image/jpeg', undefined])(
    'passes a %s body as text, as API Gateway does without binaryMediaTypes',
    (contentType) => {
      const text =
        '--b\r\nContent-Disposition: form-data; name="encrypted_image"\r\n\r\nAYAD+/x=\r\n--b--\r\n';
      const event = toApiGatewayEvent({
        ...base,
        method: 'POST',
        url: '/',
        headers: contentType === undefined ? {} : { 'Content-Type': contentType },
        body: Buffer.from(text),
      });
      expect(event).toMatchObject({ body: text, isBase64Encoded: false });
    },
  );

  it('has a null body and no query maps for a bare GET', () => {
    const event = toApiGatewayEvent({ ...base, method: 'GET', url: '/x', headers: {} });
    expect(event).toMatchObject({ body: null, isBase64Encoded: false, queryStringParameters: null });
  });
});

describe('checkContentLength', () => {
  it('accepts a body within the limit and bodiless GETs', () => {
    expect(checkContentLength('POST', { 'content-length': '100' }, 100)).toBeUndefined();
    expect(checkContentLength('GET', {}, 100)).toBeUndefined();
  });

  it('answers LENGTH_REQUIRED for a POST without Content-Length, chunked or not', () => {
    expect(checkContentLength('POST', { 'transfer-encoding': 'chunked' }, 100)?.kind).toBe('LENGTH_REQUIRED');
    expect(checkContentLength('POST', {}, 100)?.kind).toBe('LENGTH_REQUIRED');
    expect(checkContentLength('GET', { 'transfer-encoding': 'chunked' }, 100)?.kind).toBe('LENGTH_REQUIRED');
  });

  it('answers CONTENT_TOO_LARGE above the limit', () => {
    expect(checkContentLength('POST', { 'content-length': '101' }, 100)?.kind).toBe('CONTENT_TOO_LARGE');
  });

  it('answers INVALID_ARGUMENT for a Content-Length that is not a number', () => {
    expect(checkContentLength('POST', { 'content-length': '1e3' }, 100)?.kind).toBe('INVALID_ARGUMENT');
  });
});

describe('localContext', () => {
  it('counts down the remaining time from the timeout', () => {
    const context = localContext('r', 5000);
    expect(context.awsRequestId).toBe('r');
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(4000);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(5000);
  });
});
