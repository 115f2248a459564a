import { constants } from 'node:crypto';
import { getClient, type KeyringNode, KmsKeyringNode, RawRsaKeyringNode } from '@aws-crypto/client-node';
import { GetPublicKeyCommand, type GetPublicKeyCommandOutput, KMS, KMSClient } from '@aws-sdk/client-kms';
import type { KeysConfig } from '../config.js';
import { FaceQualityError } from '../errors.js';
import { decryptImage } from './decrypt.js';
import { derPublicKeyToPem, type EncryptionKeyInfo, rsaKeyInfo } from './key-info.js';
import { DecryptOnlyKeyringNode } from './keyrings.js';
import { kmsClientConfig } from './kms-client.js';
import { type EsdkKmsClient, faultRecordingKmsClient, withKmsDeadline } from './kms-faults.js';
import { KMS_RSA_ENCRYPTION_ALGORITHM, KmsRsaKeyringNode } from './kms-rsa-keyring.js';
import { ensureLocalKeyPair } from './local-keys.js';

/** Decrypts `encrypted_image` with the keyrings chosen by configuration, built once at init. */
export interface Decryptor {
  /**
   * Decrypts the base64 Encryption SDK message a client posted (see `decryptImage` in decrypt.ts for
   * the accepted forms and the errors).
   */
  decryptImage(encryptedImageBase64: string): Promise<Uint8Array>;
  /**
   * The RSA public key and keyring parameters clients encrypt with.
   * @throws FaceQualityError `NOT_FOUND` when only symmetric KMS keys are configured, `INTERNAL`
   *   when KMS `GetPublicKey` fails or returns an unusable key.
   */
  publicKeyInfo(): Promise<EncryptionKeyInfo>;
}

export interface DecryptorDeps {
  /** Client for the KMS RSA key (tests inject a mocked one). Default: one for the key's region. */
  kmsClient?: KMSClient;
  /** Aggregated client for the symmetric keys (tests inject one). Default: one per key region. */
  kmsAggregatedClient?: KMS;
}

/** `arn:<partition>:kms:<region>:<account>:key/<id>`: what the SDK writes as a KMS EDK's providerInfo. */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/[A-Za-z0-9-]+$/;

function regionOfKeyArn(arn: string): string | undefined {
  return KMS_KEY_ARN.exec(arn)?.[1];
}

function localKeyring(keys: KeysConfig, keyName: string, privateKeyPem: string): KeyringNode {
  return new RawRsaKeyringNode({
    rsaKey: { privateKey: privateKeyPem },
    keyNamespace: keys.keyNamespace,
    keyName,
    padding: constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
  });
}

function symmetricKeyring(arns: readonly string[], injected: KMS | undefined): KeyringNode {
  const clients = new Map<string, EsdkKmsClient>();
  for (const arn of arns) {
    const region = regionOfKeyArn(arn);
    if (region === undefined) {
      throw new Error(
        `KMS symmetric keys must be given as key ARNs (arn:aws:kms:<region>:...), got "${arn}"`,
      );
    }
    if (!clients.has(region)) {
      const client = injected ?? getClient(KMS, kmsClientConfig())(region);
      if (client === false) throw new Error(`No KMS client for region ${region}`);
      clients.set(region, faultRecordingKmsClient(client));
    }
  }
  // Only the configured keys' regions have a client, so a message naming other regions costs nothing.
  return new KmsKeyringNode({ keyIds: [...arns], clientProvider: (region) => clients.get(region) ?? false });
}

/** Caches a successful async result; a failure is not cached, so the next call retries. */
function cacheSuccess<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((e: unknown) => {
      pending = undefined;
      throw e;
    });
    return pending;
  };
}

async function fetchKmsPublicKeyPem(kms: KMSClient, keyId: string): Promise<string> {
  let out: GetPublicKeyCommandOutput;
  try {
    const command = new GetPublicKeyCommand({ KeyId: keyId });
    out = await withKmsDeadline((abortSignal) => kms.send(command, { abortSignal }));
  } catch (e) {
    throw new FaceQualityError('INTERNAL', 'The key service is unavailable', { cause: e });
  }
  const usable =
    out.PublicKey !== undefined &&
    out.KeyUsage === 'ENCRYPT_DECRYPT' &&
    (out.KeySpec ?? '').startsWith('RSA_') &&
    (out.EncryptionAlgorithms ?? []).includes(KMS_RSA_ENCRYPTION_ALGORITHM);
  if (!usable || out.PublicKey === undefined) {
    throw new FaceQualityError(
      'INTERNAL',
      `KMS key ${keyId} is not an RSA ENCRYPT_DECRYPT key supporting ${KMS_RSA_ENCRYPTION_ALGORITHM}`,
    );
  }
  try {
    return derPublicKeyToPem(out.PublicKey);
  } catch (e) {
    throw new FaceQualityError('INTERNAL', `KMS returned an unreadable public key for ${keyId}`, {
      cause: e,
    });
  }
}

/**
 * Builds the decryptor for `keys`, once, at init.
 *
 * - `source: 'local'`: the development RSA key pair from `keys.localKeyDir` (generated on first use,
 *   see `ensureLocalKeyPair`), decrypted by the SDK's `RawRsaKeyringNode`.
 * - `source: 'kms'`: the KMS RSA key `keys.kmsRsaKeyArn` (mobile and web clients, unwrapped by KMS
 *   `Decrypt`) and the replaced RSA keys `keys.kmsRsaPreviousKeyArns` (decrypt only), then the KMS symmetric keys `keys.kmsSymmetricKeyArns` (server-side callers); at
 *   least one of them must be configured.
 *
 * Key names follow the scheme documented in key-info.ts. Decryption uses
 * REQUIRE_ENCRYPT_REQUIRE_DECRYPT and `keys.maxEncryptedDataKeys`.
 *
 * @param keys key configuration (`AppConfig.keys`).
 * @param limits `maxImageBytes`: largest accepted decrypted image, in bytes.
 * @param deps KMS clients to use instead of the default ones (tests).
 * @throws Error on a configuration that cannot work (fails the Lambda init, not a request).
 */
export async function createDecryptor(
  keys: KeysConfig,
  limits: { maxImageBytes: number },
  deps: DecryptorDeps = {},
): Promise<Decryptor> {
  // The SDK accepts only an integer >= 1; catch a bad value at init rather than on every request.
  if (!Number.isInteger(keys.maxEncryptedDataKeys) || keys.maxEncryptedDataKeys < 1) {
    throw new Error(`maxEncryptedDataKeys must be an integer >= 1, got ${keys.maxEncryptedDataKeys}`);
  }
  if (!(limits.maxImageBytes > 0)) {
    throw new Error(`maxImageBytes must be positive, got ${limits.maxImageBytes}`);
  }
  const decryptLimits = {
    maxImageBytes: limits.maxImageBytes,
    maxEncryptedDataKeys: keys.maxEncryptedDataKeys,
  };
  const children: KeyringNode[] = [];
  let publicKeyInfo: () => Promise<EncryptionKeyInfo>;

  if (keys.source === 'local') {
    const pair = await ensureLocalKeyPair(keys.localKeyDir);
    children.push(localKeyring(keys, pair.keyName, pair.privateKeyPem));
    const info = rsaKeyInfo(pair.publicKeyPem, keys.keyNamespace, pair.keyName);
    publicKeyInfo = async () => ({ ...info });
  } else {
    const rsaKeyId = keys.kmsRsaKeyArn;
    if (rsaKeyId === undefined && keys.kmsSymmetricKeyArns.length === 0) {
      throw new Error('KEY_SOURCE=kms needs KMS_RSA_KEY_ARN or KMS_SYMMETRIC_KEY_ARNS');
    }
    if (rsaKeyId !== undefined) {
      const region = regionOfKeyArn(rsaKeyId);
      const kms = deps.kmsClient ?? new KMSClient(kmsClientConfig(region));
      children.push(
        new KmsRsaKeyringNode({ kms, keyId: rsaKeyId, keyNamespace: keys.keyNamespace, keyName: rsaKeyId }),
      );
      // Keys replaced by a rotation keep decrypting what clients encrypted before they refetched the key.
      for (const previousKeyId of keys.kmsRsaPreviousKeyArns) {
        children.push(
          new KmsRsaKeyringNode({
            kms,
            keyId: previousKeyId,
            keyNamespace: keys.keyNamespace,
            keyName: previousKeyId,
          }),
        );
      }
      const pem = cacheSuccess(() => fetchKmsPublicKeyPem(kms, rsaKeyId));
      publicKeyInfo = async () => rsaKeyInfo(await pem(), keys.keyNamespace, rsaKeyId);
    } else {
      publicKeyInfo = async () => {
        throw new FaceQualityError(
          'NOT_FOUND',
          'This deployment accepts only KMS symmetric encryption; it publishes no public key',
        );
      };
    }
    if (keys.kmsSymmetricKeyArns.length > 0) {
      children.push(symmetricKeyring(keys.kmsSymmetricKeyArns, deps.kmsAggregatedClient));
    }
  }

  const keyring = new DecryptOnlyKeyringNode(children);
  return Object.freeze({
    decryptImage: (encryptedImageBase64: string) =>
      decryptImage(encryptedImageBase64, keyring, decryptLimits),
    publicKeyInfo: () => publicKeyInfo(),
  });
}
