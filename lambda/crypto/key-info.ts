import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/**
 * Key naming scheme. Every `encrypted_image` is an AWS Encryption SDK message whose data key is
 * wrapped for one of our keys; the wrapped key (EDK) carries `providerId` and `providerInfo`, and
 * a keyring only tries the EDKs whose pair names its own key.
 *
 * - RSA keys (KMS asymmetric, and the local development key) are written by the client's
 *   `RawRsaKeyringNode` as `providerId = keyNamespace` and `providerInfo = keyName`:
 *   - `keyNamespace` is `KeysConfig.keyNamespace` (default `face-quality`), the same for every key;
 *   - KMS RSA key: `keyName` is the configured key identifier, the key ARN
 *     (`arn:aws:kms:<region>:<account>:key/<key-id>`). A replacement key has a new ARN, so old and
 *     new EDKs are told apart during a rotation (today the config holds one RSA key; accepting both
 *     means one more `KmsRsaKeyringNode` for the old ARN). Clients must use the `key_name` served by
 *     `GET /quality/face/encryption-key` verbatim, never a name of their own.
 *   - local key: `keyName` is `local-sha256-` plus the first 32 hex digits of the SHA-256 of the
 *     public key's DER SubjectPublicKeyInfo, so a regenerated key pair gets a new name and a client
 *     holding the old public key gets a clear "no key" error instead of a silent mismatch.
 * - KMS symmetric keys are written by the SDK's KMS keyring as `providerId = 'aws-kms'` and
 *   `providerInfo = key ARN`; only the configured ARNs are tried (strict mode, no discovery).
 */
export const LOCAL_KEY_NAME_PREFIX = 'local-sha256-';

/** Hex digits of the SHA-256 fingerprint kept in a local key name (128 bits). */
const FINGERPRINT_HEX_DIGITS = 32;

/** The committing, signed suite that the SDK picks by default under REQUIRE_ENCRYPT_REQUIRE_DECRYPT. */
export const ALGORITHM_SUITE = 'ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384';

/** The only commitment policy we encrypt or decrypt with. */
export const COMMITMENT_POLICY = 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT';

/**
 * Frame length in bytes used when encrypting. Decrypting 3 MiB takes about 16 ms with 64 KiB frames
 * against 60 ms with the SDK's default 4 KiB frames (stack notes), and the message is smaller.
 */
export const FRAME_LENGTH_BYTES = 64 * 1024;

/**
 * What `GET /quality/face/encryption-key` returns: everything a client needs to build the SDK's raw
 * RSA keyring (`RawRsaKeyringNode` or the equivalent in another language's Encryption SDK) and
 * encrypt a photo for this service.
 */
export interface EncryptionKeyInfo {
  /** RSA public key, PEM (`-----BEGIN PUBLIC KEY-----`, SubjectPublicKeyInfo). */
  public_key_pem: string;
  /** The raw RSA keyring's key namespace (written to the EDK as providerId). */
  key_namespace: string;
  /** The raw RSA keyring's key name (written to the EDK as providerInfo). */
  key_name: string;
  /** RSA padding for wrapping the data key. */
  padding: 'RSA_PKCS1_OAEP_PADDING';
  /** Hash (and MGF1 hash) of the OAEP padding. */
  oaep_hash: 'sha256';
  /** Encryption SDK algorithm suite to encrypt with. */
  algorithm_suite: string;
  /** Encryption SDK commitment policy to encrypt with. */
  commitment_policy: string;
}

/**
 * Builds the {@link EncryptionKeyInfo} for an RSA public key.
 *
 * @param publicKeyPem RSA public key, PEM.
 * @param keyNamespace the raw RSA keyring's key namespace.
 * @param keyName the raw RSA keyring's key name (see the naming scheme above).
 */
export function rsaKeyInfo(publicKeyPem: string, keyNamespace: string, keyName: string): EncryptionKeyInfo {
  return {
    public_key_pem: publicKeyPem,
    key_namespace: keyNamespace,
    key_name: keyName,
    padding: 'RSA_PKCS1_OAEP_PADDING',
    oaep_hash: 'sha256',
    algorithm_suite: ALGORITHM_SUITE,
    commitment_policy: COMMITMENT_POLICY,
  };
}

/**
 * The local key name for an RSA public key: `local-sha256-` + 32 hex digits of SHA-256 over its DER
 * SubjectPublicKeyInfo (the same bytes `openssl pkey -pubin -outform DER` prints).
 */
export function localKeyName(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const fingerprint = createHash('sha256').update(der).digest('hex');
  return LOCAL_KEY_NAME_PREFIX + fingerprint.slice(0, FINGERPRINT_HEX_DIGITS);
}

/**
 * Converts the DER SubjectPublicKeyInfo that KMS `GetPublicKey` returns to PEM.
 *
 * @throws Error when the bytes are not an RSA public key.
 */
export function derPublicKeyToPem(der: Uint8Array): string {
  const key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`Expected an RSA public key, got ${key.asymmetricKeyType ?? 'an unknown key type'}`);
  }
  return key.export({ type: 'spki', format: 'pem' }).toString();
}
