import { describe, expect, it } from '@jest/globals';
import { KMS_CALL_SETTINGS, kmsClientConfig } from '../../../lambda/crypto/kms-client.js';
import { KmsDeadlineError, withKmsDeadline, withKmsFaultScope } from '../../../lambda/crypto/kms-faults.js';

/** A KMS call that never answers until aborted, like a connection that hangs. */
function hangingCall(aborted: AbortSignal[]): (signal: AbortSignal) => Promise<never> {
  return (signal) => {
    aborted.push(signal);
    return new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted by the deadline')));
    });
  };
}

describe('withKmsDeadline', () => {
  it('passes a call that answers in time through', async () => {
    expect(await withKmsDeadline(async () => 'plaintext', { callBudgetMs: 1000 })).toBe('plaintext');
  });

  it('cuts a call that never answers after its budget, and aborts its request', async () => {
    const signals: AbortSignal[] = [];
    await expect(withKmsDeadline(hangingCall(signals), { callBudgetMs: 30 })).rejects.toBeInstanceOf(
      KmsDeadlineError,
    );
    expect(signals[0]?.aborted).toBe(true);
  });

  it('settles even when the call ignores the abort signal', async () => {
    const ignoring = () => new Promise<never>(() => undefined);
    await expect(withKmsDeadline(ignoring, { callBudgetMs: 30 })).rejects.toBeInstanceOf(KmsDeadlineError);
  });

  it('stops making calls once the message budget is spent', async () => {
    const signals: AbortSignal[] = [];
    const errors: unknown[] = [];
    const call = () =>
      withKmsDeadline(hangingCall(signals), { callBudgetMs: 50 }).catch((e: unknown) => errors.push(e));
    await withKmsFaultScope(async () => {
      // One call per encrypted data key, as the keyrings do; each would hang for ever.
      await call(); // cut after its own 50 ms
      await call(); // cut when the message's 80 ms are over
      await new Promise((resolve) => setTimeout(resolve, 20));
      await call(); // never made
    }, 80);
    expect(errors).toHaveLength(3);
    expect(errors.every((e) => e instanceof KmsDeadlineError)).toBe(true);
    expect(signals).toHaveLength(2);
  });
});

describe('KMS client settings', () => {
  it('bound every attempt and retry the SDK way', () => {
    expect(kmsClientConfig('eu-west-1')).toMatchObject({
      region: 'eu-west-1',
      maxAttempts: KMS_CALL_SETTINGS.maxAttempts,
      retryMode: 'standard',
      requestHandler: {
        connectionTimeout: KMS_CALL_SETTINGS.connectionTimeoutMs,
        requestTimeout: KMS_CALL_SETTINGS.requestTimeoutMs,
        throwOnRequestTimeout: true,
      },
    });
  });

  it('keep the decrypt stage far inside API Gateway 29 s, next to a 50 MP analysis', () => {
    const s = KMS_CALL_SETTINGS;
    expect(s.connectionTimeoutMs).toBeLessThanOrEqual(s.requestTimeoutMs);
    expect(s.requestTimeoutMs).toBeLessThanOrEqual(s.callBudgetMs);
    expect(s.callBudgetMs).toBeLessThanOrEqual(s.messageBudgetMs);
    expect(s.messageBudgetMs).toBeLessThanOrEqual(10_000);
  });
});
