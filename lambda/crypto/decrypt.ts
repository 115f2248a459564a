import { buildClient, CommitmentPolicy, type KeyringNode } from '@aws-crypto/client-node';
import { FaceQualityError, isFaceQualityError } from '../errors.js';
import { parseBase64 } from './base64.js';
import { DataKeyUnavailableError } from './keyrings.js';

export interface DecryptLimits {
  /** Largest accepted plaintext (the image) in bytes. */
  readonly maxImageBytes: number;
  /** Most encrypted data keys accepted in one message (bounds the unwrap attempts, and KMS calls). */
  readonly maxEncryptedDataKeys: number;
}

type DecryptStream = ReturnType<typeof buildClient>['decryptStream'];

/** The SDK's error messages for its own limits (see decrypt-node verify_stream and serialize). */
const SDK_MAX_BODY_SIZE_EXCEEDED = 'maxBodySize exceeded.';
const SDK_MAX_EDKS_EXCEEDED = 'maxEncryptedDataKeys exceeded.';

function tooLarge(maxImageBytes: number): FaceQualityError {
  return new FaceQualityError(
    'CONTENT_TOO_LARGE',
    `The decrypted image is larger than the limit of ${maxImageBytes} bytes`,
  );
}

/** Maps whatever the SDK or our keyrings threw to the API's error kinds, without leaking details. */
function classifyDecryptError(e: unknown, limits: DecryptLimits): FaceQualityError {
  if (isFaceQualityError(e)) return e;
  if (e instanceof DataKeyUnavailableError) {
    if (e.serviceFaults.length > 0) {
      return new FaceQualityError('INTERNAL', 'The key service is unavailable', {
        cause: e.serviceFaults[0],
      });
    }
    return new FaceQualityError(
      'INVALID_ARGUMENT',
      'encrypted_image was not encrypted for a key of this service, or its data key was modified; ' +
        'fetch the current public key from GET /quality/face/encryption-key',
    );
  }
  const message = typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : '';
  if (message === SDK_MAX_BODY_SIZE_EXCEEDED) return tooLarge(limits.maxImageBytes);
  if (message === SDK_MAX_EDKS_EXCEEDED) {
    return new FaceQualityError(
      'INVALID_ARGUMENT',
      `encrypted_image carries more than ${limits.maxEncryptedDataKeys} encrypted data keys`,
    );
  }
  // Header parse errors, commitment or signature failures, authentication tag mismatches: the
  // message is malformed or was modified. The SDK's wording is not shown to the client.
  return new FaceQualityError(
    'INVALID_ARGUMENT',
    'encrypted_image is not a valid AWS Encryption SDK message (committing suite required) or it was modified',
  );
}

/**
 * Decrypts the plaintext of an Encryption SDK message, aborting as soon as more than
 * `maxImageBytes` come out. `maxBodySize` makes the SDK refuse, before decrypting it, any frame (or
 * a non-framed body) declared larger than the limit; the running count catches many small frames.
 */
async function decryptBounded(
  decryptStream: DecryptStream,
  ciphertext: Buffer,
  keyring: KeyringNode,
  limits: DecryptLimits,
): Promise<Buffer> {
  const stream = decryptStream(keyring, { maxBodySize: limits.maxImageBytes });
  const chunks: Buffer[] = [];
  let totalBytes = 0;
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      reject(e);
    };
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      totalBytes += chunk.byteLength;
      if (totalBytes > limits.maxImageBytes) {
        fail(tooLarge(limits.maxImageBytes));
        stream.destroy();
        return;
      }
      chunks.push(chunk);
    });
    // `on`, not `once`: the pipeline can emit the same failure twice, and an unheard 'error' throws.
    stream.on('error', fail);
    // 'end' comes after the last frame's tag and the message signature were verified.
    stream.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, totalBytes));
    });
    stream.end(ciphertext);
  });
}

/**
 * Decrypts `encrypted_image`: base64 (see {@link parseBase64}) of an AWS Encryption SDK message,
 * decrypted with `keyring` under REQUIRE_ENCRYPT_REQUIRE_DECRYPT (committing suites only).
 *
 * @param encryptedImageBase64 the field as received.
 * @param keyring decrypt keyring, normally a {@link DecryptOnlyKeyringNode} built once at init.
 * @param limits `maxImageBytes` bounds the plaintext; `maxEncryptedDataKeys` the EDK count.
 * @returns the image bytes. Never log them.
 * @throws FaceQualityError `INVALID_ARGUMENT` (empty, not base64, not an SDK message, no matching
 *   key, modified, too many EDKs), `CONTENT_TOO_LARGE` (plaintext over `maxImageBytes`),
 *   `CONTENT_EMPTY` (empty plaintext) or `INTERNAL` (KMS throttled, unavailable, access denied).
 */
export async function decryptImage(
  encryptedImageBase64: string,
  keyring: KeyringNode,
  limits: DecryptLimits,
): Promise<Uint8Array> {
  const ciphertext = parseBase64(encryptedImageBase64);
  if (ciphertext.byteLength === 0) {
    throw new FaceQualityError('INVALID_ARGUMENT', 'encrypted_image is empty');
  }
  // Built per call (it is a few closures) and outside the try: a bad limit is our bug, not the client's.
  const { decryptStream } = buildClient({
    commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
    maxEncryptedDataKeys: limits.maxEncryptedDataKeys,
  });
  let plaintext: Buffer;
  try {
    plaintext = await decryptBounded(decryptStream, ciphertext, keyring, limits);
  } catch (e) {
    throw classifyDecryptError(e, limits);
  }
  if (plaintext.byteLength === 0) {
    throw new FaceQualityError('CONTENT_EMPTY', 'The decrypted image is empty');
  }
  return plaintext;
}
