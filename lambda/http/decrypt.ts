/** Middleware over the decryptor: turns the `encrypted_image` field into the photo's bytes. */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Decryptor } from '../crypto/index.js';
import { FaceQualityError } from '../errors.js';
import { requestState, timeStage } from './request-context.js';

/**
 * Decrypts the field the form parser stored (stage `decrypt`) and drops the ciphertext from the
 * request state, so only the plaintext bytes travel on to the route handler.
 * The decryptor's FaceQualityErrors (INVALID_ARGUMENT, CONTENT_TOO_LARGE, CONTENT_EMPTY, INTERNAL)
 * pass through unchanged to the error responder.
 */
export function decryptMiddleware(
  decryptor: Pick<Decryptor, 'decryptImage'>,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> {
  return {
    name: 'decrypt',
    before: async (request) => {
      const state = requestState(request.event, request.context);
      const encrypted = state.encryptedImage;
      if (encrypted === undefined) {
        // A composition mistake (parser missing), not a client error.
        throw new FaceQualityError('INTERNAL', 'decrypt middleware ran before the form parser');
      }
      state.encryptedImage = undefined;
      state.imageBytes = await timeStage(state.timingsMs, 'decrypt', () => decryptor.decryptImage(encrypted));
    },
  };
}
