import { AsyncLocalStorage } from 'node:async_hooks';
import type { KmsNodeClientSupplier } from '@aws-crypto/client-node';
import type { KMS } from '@aws-sdk/client-kms';
import { KMS_CALL_SETTINGS, type KmsCallSettings } from './kms-client.js';

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

/** What one decryption's scope holds. */
interface FaultScope {
  readonly faults: unknown[];
  /** `performance.now()` after which no further KMS call is made for this message. */
  readonly deadlineMs: number;
}

/**
 * The KMS service faults met during one decryption, and its time budget for KMS calls. The SDK's
 * keyrings swallow child errors (or fold them into one string), so faults are recorded on the
 * side, per decryption, in an AsyncLocalStorage scope: concurrent requests sharing the keyrings
 * never see each other's faults or budgets.
 */
const faultScope = new AsyncLocalStorage<FaultScope>();

/**
 * Runs `fn` with a fresh fault record and returns its result with the faults recorded meanwhile.
 *
 * @param budgetMs total time the KMS calls made inside `fn` may take, in milliseconds (see
 *   `withKmsDeadline` in kms-client.ts).
 */
export async function withKmsFaultScope<T>(
  fn: () => Promise<T>,
  budgetMs = Number.POSITIVE_INFINITY,
): Promise<{ result: T; faults: unknown[] }> {
  const scope: FaultScope = { faults: [], deadlineMs: performance.now() + budgetMs };
  const result = await faultScope.run(scope, fn);
  return { result, faults: scope.faults };
}

/** Records a KMS service fault in the current scope (a no-op outside one). */
export function recordKmsFault(e: unknown): void {
  faultScope.getStore()?.faults.push(e);
}

/** Milliseconds left of the current scope's KMS budget; infinite outside a scope. */
export function remainingKmsBudgetMs(): number {
  const scope = faultScope.getStore();
  return scope === undefined ? Number.POSITIVE_INFINITY : scope.deadlineMs - performance.now();
}

/** A KMS call that ran out of its time budget (a service fault: answered 500). */
export class KmsDeadlineError extends Error {
  override readonly name = 'KmsDeadlineError';
}

/**
 * Runs one KMS call within its budget: `callBudgetMs`, less when the current message's budget
 * (see `withKmsFaultScope`) has less left. `call` receives the signal to hand the SDK
 * (`send(command, { abortSignal })`), which aborts the HTTP request when the budget runs out.
 *
 * @throws KmsDeadlineError when the budget is spent, before or during the call.
 */
export async function withKmsDeadline<T>(
  call: (abortSignal: AbortSignal) => Promise<T>,
  settings: Pick<KmsCallSettings, 'callBudgetMs'> = KMS_CALL_SETTINGS,
): Promise<T> {
  const budgetMs = Math.min(settings.callBudgetMs, remainingKmsBudgetMs());
  if (budgetMs <= 0) throw new KmsDeadlineError('No time left for another KMS call for this message');
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new KmsDeadlineError(`KMS call took longer than ${budgetMs} ms`);
      // Settle first, so the deadline wins the race over the call's own abort error.
      reject(error);
      controller.abort(error);
    }, budgetMs);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The client shape the SDK's `KmsKeyringNode` calls (a subset of the aggregated `KMS` class). */
export type EsdkKmsClient = Exclude<ReturnType<KmsNodeClientSupplier>, false>;

/**
 * Wraps an aggregated KMS client for `KmsKeyringNode` so that service faults on `decrypt` are
 * recorded (see {@link withKmsFaultScope}) before the keyring swallows them. An EDK longer or
 * shorter than KMS accepts is refused locally, so a client cannot turn a KMS ValidationException into a 500.
 * Each call runs within its time budget (`withKmsDeadline`).
 */
export function faultRecordingKmsClient(kms: KMS): EsdkKmsClient {
  return {
    async decrypt(args) {
      const blobBytes = args.CiphertextBlob.byteLength;
      if (blobBytes > KMS_MAX_CIPHERTEXT_BYTES || blobBytes < KMS_MIN_CIPHERTEXT_BYTES) {
        throw new Error('Encrypted data key has a length no KMS ciphertext has');
      }
      try {
        return await withKmsDeadline((abortSignal) => kms.decrypt(args, { abortSignal }));
      } catch (e) {
        if (!isKmsClientFault(e)) recordKmsFault(e);
        throw e;
      }
    },
    encrypt: (args) => kms.encrypt(args),
    generateDataKey: (args) => kms.generateDataKey(args),
  };
}
