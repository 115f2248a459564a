/**
 * How every KMS call is bounded in time, so that a request can never outlive API Gateway's 29 s
 * integration timeout however KMS misbehaves (throttling, 5xx, a connection that never answers).
 *
 * Three layers:
 * 1. the SDK's own retries: `standard` mode, {@link KMS_CALL_SETTINGS}`.maxAttempts` attempts, each
 *    attempt cut after `requestTimeoutMs` (connection included, `throwOnRequestTimeout`) and a
 *    connection attempt after `connectionTimeoutMs`; the SDK waits between attempts (jittered
 *    exponential backoff; with @smithy/core as installed: up to 50 ms then 100 ms after a 5xx or a
 *    timeout, up to 1 s then 2 s after throttling);
 * 2. a hard cap per call, retries and waits included: `callBudgetMs` (`withKmsDeadline` in
 *    kms-faults.ts: an AbortSignal cancels the HTTP request, a timer settles the call even if the
 *    SDK does not);
 * 3. a cap per decrypted message over all its KMS calls (one per matching encrypted data key, at
 *    most `MAX_ENCRYPTED_DATA_KEYS`): `messageBudgetMs`; calls past it are not made.
 *
 * Worst case of the decrypt stage: `messageBudgetMs` (8 s), which leaves the 50 MP decode and
 * analysis (4-8 s measured on a busy shared core, `scripts/peak-memory.ts`) inside the function's
 * 28 s timeout.
 */
import type { KMSClientConfig } from '@aws-sdk/client-kms';

export interface KmsCallSettings {
  /** Attempts per call, the first included (the SDK's `maxAttempts`). */
  readonly maxAttempts: number;
  /** Longest wait for a TCP + TLS connection, per attempt, in milliseconds. */
  readonly connectionTimeoutMs: number;
  /** Longest attempt, from sending to the last response byte, in milliseconds. */
  readonly requestTimeoutMs: number;
  /** Longest call, every attempt and wait included, in milliseconds. */
  readonly callBudgetMs: number;
  /** Longest total time of the KMS calls for one message, in milliseconds. */
  readonly messageBudgetMs: number;
}

/**
 * The chosen settings. KMS answers `Decrypt` in tens of milliseconds in-region, so 2 s per attempt
 * only cuts what is broken; 3 attempts ride out a throttling burst or a lost connection; 5 s per
 * call holds three full attempts with their waits in the common case; 8 s per message keeps the
 * request far from 29 s.
 */
export const KMS_CALL_SETTINGS: KmsCallSettings = Object.freeze({
  maxAttempts: 3,
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 2000,
  callBudgetMs: 5000,
  messageBudgetMs: 8000,
});

/**
 * Client configuration with {@link KMS_CALL_SETTINGS}: pass it to `new KMSClient(...)` or the SDK's
 * `getClient(KMS, ...)`.
 *
 * @param region the key's region; omitted: the SDK's default region chain.
 */
export function kmsClientConfig(region?: string): KMSClientConfig {
  return {
    ...(region === undefined ? {} : { region }),
    maxAttempts: KMS_CALL_SETTINGS.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: KMS_CALL_SETTINGS.connectionTimeoutMs,
      requestTimeout: KMS_CALL_SETTINGS.requestTimeoutMs,
      // Without it the SDK only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
    },
  };
}
