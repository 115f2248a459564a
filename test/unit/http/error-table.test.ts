import { describe, expect, it } from '@jest/globals';
import type { ErrorKind } from '../../../lambda/errors.js';
import { FaceQualityError } from '../../../lambda/errors.js';
import { errorResponse, mapError } from '../../../lambda/http/error-responder.js';
import { ERROR_TABLE, errorRow, INTERNAL_MESSAGE } from '../../../lambda/http/error-table.js';

/** The contract's codes (quality-face-stateless.txt) and the HTTP statuses chosen for each kind. */
const CONTRACT: Record<ErrorKind, [number, number]> = {
  INVALID_ARGUMENT: [1200, 400],
  INVALID_IMAGE_SIZE: [2003, 400],
  CONTENT_TOO_LARGE: [2004, 413],
  CONTENT_EMPTY: [2004, 400],
  LENGTH_REQUIRED: [2004, 411],
  INVALID_IMAGE_TYPE: [2005, 400],
  NO_FACE: [4000, 400],
  NOT_FOUND: [404, 404],
  INTERNAL: [500, 500],
};
const KINDS = Object.keys(CONTRACT) as ErrorKind[];

describe('ERROR_TABLE', () => {
  it.each(KINDS)('maps %s to its contract code and HTTP status', (kind) => {
    const [code, status] = CONTRACT[kind];
    expect(errorRow(kind)).toEqual({ code, status });
  });

  it('has a row for every kind and nothing else', () => {
    expect(Object.keys(ERROR_TABLE).sort()).toEqual([...KINDS].sort());
  });

  it('uses only the statuses the contract lists', () => {
    for (const { status } of Object.values(ERROR_TABLE)) expect([400, 404, 411, 413, 500]).toContain(status);
  });
});

describe('mapError / errorResponse', () => {
  it.each(KINDS.filter((k) => k !== 'INTERNAL'))('answers a %s error with its row and message', (kind) => {
    const { response, outcome } = errorResponse(new FaceQualityError(kind, `detail of ${kind}`), 'req-1');
    expect(response.statusCode).toBe(ERROR_TABLE[kind].status);
    expect(JSON.parse(response.body)).toEqual({
      code: ERROR_TABLE[kind].code,
      message: `detail of ${kind}`,
      request_id: 'req-1',
    });
    expect(response.headers).toMatchObject({ 'content-type': 'application/json', 'x-request-id': 'req-1' });
    expect(outcome).toEqual({ code: ERROR_TABLE[kind].code, status: ERROR_TABLE[kind].status, kind });
  });

  it('hides the message of an INTERNAL FaceQualityError', () => {
    const secret = 'KMS key arn:aws:kms:eu-west-1:123456789012:key/abc throttled';
    const { response, outcome } = errorResponse(new FaceQualityError('INTERNAL', secret), 'r');
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('arn:');
    expect(JSON.parse(response.body)).toEqual({ code: 500, message: INTERNAL_MESSAGE, request_id: 'r' });
    expect(outcome.errorName).toBe('FaceQualityError');
  });

  it('logs the names of the causes, so KMS throttling and access denial can be told apart', () => {
    const kmsError = Object.assign(new Error('Rate exceeded for key arn:aws:kms:…'), {
      name: 'ThrottlingException',
    });
    const wrapped = new FaceQualityError('INTERNAL', 'KMS failed', { cause: kmsError });
    const { response, outcome } = errorResponse(wrapped, 'r');
    expect(outcome.errorName).toBe('FaceQualityError<ThrottlingException');
    expect(response.body).not.toMatch(/Rate|arn:/);
  });

  it.each([
    ['a TypeError', new TypeError('x.as3D is not a function'), 'TypeError'],
    [
      'an error with a custom name',
      Object.assign(new Error('boom'), { name: 'KMSInternalException' }),
      'KMSInternalException',
    ],
    [
      'an error whose name is not an identifier',
      Object.assign(new Error('boom'), { name: 'a b <c>' }),
      'object',
    ],
    ['a thrown string', 'secret-string', 'string'],
    ['null', null, 'null'],
  ])('answers %s with a generic 500 and logs only its name', (_, error, name) => {
    const mapped = mapError(error);
    expect(mapped).toEqual({
      kind: 'INTERNAL',
      code: 500,
      status: 500,
      message: INTERNAL_MESSAGE,
      errorName: name,
    });
    expect(errorResponse(error, 'r').response.body).not.toMatch(/boom|secret|as3D/);
  });
});
