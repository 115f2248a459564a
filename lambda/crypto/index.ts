/**
 * The encryption layer: `encrypted_image` is the base64 of an AWS Encryption SDK message. See
 * key-info.ts for the key naming scheme and decryptor.ts for which keyrings each configuration uses.
 */
export { parseBase64 } from './base64.js';
export { type DecryptLimits, decryptImage } from './decrypt.js';
export { createDecryptor, type Decryptor, type DecryptorDeps } from './decryptor.js';
export { encryptImage } from './encrypt.js';
export {
  ALGORITHM_SUITE,
  COMMITMENT_POLICY,
  derPublicKeyToPem,
  type EncryptionKeyInfo,
  FRAME_LENGTH_BYTES,
  localKeyName,
  rsaKeyInfo,
} from './key-info.js';
export { DataKeyUnavailableError, DecryptOnlyKeyringNode } from './keyrings.js';
export { KMS_RSA_ENCRYPTION_ALGORITHM, KmsRsaKeyringNode, KmsUnavailableError } from './kms-rsa-keyring.js';
export {
  ensureLocalKeyPair,
  LOCAL_PRIVATE_KEY_FILE,
  LOCAL_PUBLIC_KEY_FILE,
  type LocalKeyPair,
} from './local-keys.js';
