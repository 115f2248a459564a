import { constants, createPublicKey } from 'node:crypto';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  RawRsaKeyringNode,
} from '@aws-crypto/client-node';
import { COMMITMENT_POLICY, type EncryptionKeyInfo, FRAME_LENGTH_BYTES } from './key-info.js';

/** Committing suites (the only ones REQUIRE_ENCRYPT_REQUIRE_DECRYPT accepts), by name. */
const COMMITTING_SUITES: Readonly<Record<string, AlgorithmSuiteIdentifier>> = Object.freeze({
  ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY:
    AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
  ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384:
    AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
});

/**
 * Encrypts a photo the way a client of `POST /quality/face/stateless` does (our CLI, tests and
 * event builders use it): the Encryption SDK's `RawRsaKeyringNode` with the service's public key
 * only (RSA_PKCS1_OAEP_PADDING, OAEP SHA-256), the suite and commitment policy of `key`, and 64 KiB
 * frames. Works unchanged against the local key and the KMS RSA key.
 *
 * @param imageBytes the photo file's bytes (JPEG, PNG...).
 * @param key what `GET /quality/face/encryption-key` returned.
 * @returns base64 (standard alphabet, padded) of the Encryption SDK message: `encrypted_image`.
 * @throws Error when `key` is not an RSA public key with parameters this service accepts.
 */
export async function encryptImage(imageBytes: Uint8Array, key: EncryptionKeyInfo): Promise<string> {
  if (key.padding !== 'RSA_PKCS1_OAEP_PADDING' || key.oaep_hash !== 'sha256') {
    throw new Error(`Unsupported RSA padding ${key.padding}/${key.oaep_hash}`);
  }
  if (key.commitment_policy !== COMMITMENT_POLICY) {
    throw new Error(`Unsupported commitment policy ${key.commitment_policy}`);
  }
  const suiteId = COMMITTING_SUITES[key.algorithm_suite];
  if (suiteId === undefined) throw new Error(`Unsupported algorithm suite ${key.algorithm_suite}`);
  const publicKey = createPublicKey(key.public_key_pem);
  if (publicKey.asymmetricKeyType !== 'rsa') throw new Error('public_key_pem is not an RSA public key');

  const keyring = new RawRsaKeyringNode({
    rsaKey: { publicKey: key.public_key_pem },
    keyNamespace: key.key_namespace,
    keyName: key.key_name,
    padding: constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
  });
  const { encrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const { result } = await encrypt(keyring, imageBytes, { suiteId, frameLength: FRAME_LENGTH_BYTES });
  return result.toString('base64');
}
