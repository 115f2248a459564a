import { AsyncLocalStorage } from 'node:async_hooks';
import type { KmsNodeClientSupplier } from '@aws-crypto/client-node';
import type { KMS } from '@aws-sdk/client-kms';

/**
 * KMS errors that mean "this ciphertext is not for this key or was modified": the client's fault.
 * Every other KMS error (throttling, access denied, disabled key, network, 5xx) is ours.
 */
const CLIENT_FAULT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'InvalidCiphertextException',
  'IncorrectKeyException',
]);

/** Largest CiphertextBlob KMS accepts, in bytes; a longer EDK cannot be ours. */
export const KMS_MAX_CIPHERTEXT_BYTES = 6144;

/** Smallest CiphertextBlob KMS accepts (its API's length constraint); an empty EDK cannot be ours. */
export const KMS_MIN_CIPHERTEXT_BYTES = 1;

/** True when a KMS error blames the ciphertext rather than KMS or our configuration. */
export function isKmsClientFault(e: unknown): boolean {
  // Duck-typed: an error from another realm (vm contexts) fails `instanceof Error`.
  return typeof e === 'object' && e !== null && 'name' in e && CLIENT_FAULT_ERROR_NAMES.has(String(e.name));
}

/**
 * The KMS service faults met during one decryption. The SDK's keyrings swallow child errors (or
 * fold them into one string), so faults are recorded on the side, per decryption, in an
 * AsyncLocalStorage scope: concurrent requests sharing the keyrings never see each other's faults.
 */
const faultScope = new AsyncLocalStorage<unknown[]>();

/** Runs `fn` with a fresh fault record and returns its result with the faults recorded meanwhile. */
export async function withKmsFaultScope<T>(fn: () => Promise<T>): Promise<{ result: T; faults: unknown[] }> {
  const faults: unknown[] = [];
  const result = await faultScope.run(faults, fn);
  return { result, faults };
}

/** Records a KMS service fault in the current scope (a no-op outside one). */
export function recordKmsFault(e: unknown): void {
  faultScope.getStore()?.push(e);
}

/** The client shape the SDK's `KmsKeyringNode` calls (a subset of the aggregated `KMS` class). */
export type EsdkKmsClient = Exclude<ReturnType<KmsNodeClientSupplier>, false>;

/**
 * Wraps an aggregated KMS client for `KmsKeyringNode` so that service faults on `decrypt` are
 * recorded (see {@link withKmsFaultScope}) before the keyring swallows them. An EDK longer or
 * shorter than KMS accepts is refused locally, so a client cannot turn a KMS ValidationException into a 500.
 */
export function faultRecordingKmsClient(kms: KMS): EsdkKmsClient {
  return {
    async decrypt(args) {
      const blobBytes = args.CiphertextBlob.byteLength;
      if (blobBytes > KMS_MAX_CIPHERTEXT_BYTES || blobBytes < KMS_MIN_CIPHERTEXT_BYTES) {
        throw new Error('Encrypted data key has a length no KMS ciphertext has');
      }
      try {
        return await kms.decrypt(args);
      } catch (e) {
        if (!isKmsClientFault(e)) recordKmsFault(e);
        throw e;
      }
    },
    encrypt: (args) => kms.encrypt(args),
    generateDataKey: (args) => kms.generateDataKey(args),
  };
}
