/** Builders of the API Gateway proxy results the API answers with. Pure. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { FaceQuality } from '../engine/types.js';
import { SUCCESS_CODE } from './error-table.js';

/** Header that carries the request id on every answer (it equals the body's `request_id`). */
export const REQUEST_ID_HEADER = 'x-request-id';

/** A JSON answer with `status`, `body` and the request id header. */
export function jsonResponse(status: number, body: unknown, requestId: string): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      [REQUEST_ID_HEADER]: requestId,
    },
    body: JSON.stringify(body),
  };
}

/** The contract's normal response: `{code: 1000, faces, request_id}`, HTTP 200. */
export function successResponse(faces: readonly FaceQuality[], requestId: string): APIGatewayProxyResult {
  return jsonResponse(200, { code: SUCCESS_CODE, faces, request_id: requestId }, requestId);
}

/** The contract's abnormal response: `{code, message, request_id}`. */
export function failureResponse(
  status: number,
  code: number,
  message: string,
  requestId: string,
): APIGatewayProxyResult {
  return jsonResponse(status, { code, message, request_id: requestId }, requestId);
}
