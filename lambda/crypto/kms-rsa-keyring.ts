import {
  type EncryptedDataKey,
  immutableClass,
  KeyringNode,
  KeyringTraceFlag,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/client-node';
import { DecryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { isKmsClientFault, recordKmsFault, withKmsDeadline } from './kms-faults.js';

/** KMS name of RSA-OAEP with SHA-256 (and MGF1-SHA-256), matching the client's `oaepHash: 'sha256'`. */
export const KMS_RSA_ENCRYPTION_ALGORITHM = 'RSAES_OAEP_SHA_256';

/** RSA-OAEP ciphertexts are exactly the modulus size: 256, 384 or 512 bytes for KMS RSA_2048/3072/4096. */
const KMS_RSA_CIPHERTEXT_BYTES: ReadonlySet<number> = new Set([256, 384, 512]);

/** Thrown when KMS could not be used (not when the EDK was wrong); the cause is the first fault. */
export class KmsUnavailableError extends Error {
  override readonly name = 'KmsUnavailableError';
}

/**
 * Decrypt-only keyring for data keys that clients wrapped with the public key of a KMS asymmetric
 * RSA key, using the SDK's `RawRsaKeyringNode` (RSA_PKCS1_OAEP_PADDING, oaepHash 'sha256'): the
 * private key never leaves KMS, which unwraps the data key with `Decrypt` (RSAES_OAEP_SHA_256).
 *
 * It tries the EDKs that `RawRsaKeyringNode` wrote for this key: `providerId === keyNamespace` and
 * `providerInfo === keyName` (see the naming scheme in key-info.ts). InvalidCiphertextException and
 * IncorrectKeyException mean the EDK is bad (the client's fault) and the next one is tried; any
 * other KMS error is recorded as a service fault and, when no EDK could be unwrapped, rethrown as
 * {@link KmsUnavailableError}.
 */
export class KmsRsaKeyringNode extends KeyringNode {
  readonly keyNamespace: string;
  readonly keyName: string;
  readonly keyId: string;
  readonly #kms: KMSClient;

  /**
   * @param input.kms client for the key's region.
   * @param input.keyId KMS key ARN (or ID) sent as `KeyId`.
   * @param input.keyNamespace raw RSA keyring key namespace the clients use.
   * @param input.keyName raw RSA keyring key name the clients use (by our scheme, the key ARN).
   */
  constructor(input: { kms: KMSClient; keyId: string; keyNamespace: string; keyName: string }) {
    super();
    this.#kms = input.kms;
    this.keyId = input.keyId;
    this.keyNamespace = input.keyNamespace;
    this.keyName = input.keyName;
  }

  async _onEncrypt(_material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    throw new Error(
      'KmsRsaKeyringNode only decrypts: clients encrypt with RawRsaKeyringNode and the public key',
    );
  }

  async _onDecrypt(
    material: NodeDecryptionMaterial,
    edks: EncryptedDataKey[],
  ): Promise<NodeDecryptionMaterial> {
    const faults: unknown[] = [];
    for (const edk of edks) {
      if (edk.providerId !== this.keyNamespace || edk.providerInfo !== this.keyName) continue;
      const wrapped = edk.encryptedDataKey;
      if (!KMS_RSA_CIPHERTEXT_BYTES.has(wrapped.byteLength)) continue;
      let plaintext: Uint8Array | undefined;
      try {
        const command = new DecryptCommand({
          KeyId: this.keyId,
          CiphertextBlob: wrapped,
          EncryptionAlgorithm: KMS_RSA_ENCRYPTION_ALGORITHM,
        });
        const out = await withKmsDeadline((abortSignal) => this.#kms.send(command, { abortSignal }));
        plaintext = out.Plaintext;
      } catch (e) {
        if (isKmsClientFault(e)) continue;
        recordKmsFault(e);
        faults.push(e);
        continue;
      }
      if (plaintext === undefined) continue;
      // Keep an isolated copy and wipe the SDK's buffer, as the SDK's own KMS keyring does.
      const dataKey = new Uint8Array(plaintext);
      plaintext.fill(0);
      // A wrong length means the client wrapped something that is not a data key for this suite.
      if (dataKey.byteLength !== material.suite.keyLengthBytes) {
        dataKey.fill(0);
        continue;
      }
      return material.setUnencryptedDataKey(dataKey, {
        keyNamespace: this.keyNamespace,
        keyName: this.keyName,
        flags: KeyringTraceFlag.WRAPPING_KEY_DECRYPTED_DATA_KEY,
      });
    }
    if (faults.length > 0) {
      throw new KmsUnavailableError('KMS could not unwrap the data key', { cause: faults[0] });
    }
    return material;
  }
}
immutableClass(KmsRsaKeyringNode);
