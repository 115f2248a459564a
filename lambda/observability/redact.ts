/**
 * The second line of defence that keeps photos, ciphertexts and keys out of the logs. Callers only
 * ever log ids, sizes, codes and timings; this replacer, which Powertools' Logger applies to every
 * key of every record as it serializes it, blanks values under names like payloads or keys and
 * drops any long string whole, so nothing sensitive can reach a log line by mistake.
 */

/** Strings longer than this are replaced by their length: ids, names and messages are shorter. */
export const MAX_LOG_STRING_CHARS = 512;

/** Field names whose values are never logged, whatever they hold (compared case-insensitively). */
const SECRET_FIELD =
  /body|image|plaintext|ciphertext|encrypted|private|secret|password|token|pem|key_material/i;

/** The placeholder that replaces a redacted value. */
export const REDACTED = '[redacted]';

/** Numbers and booleans (sizes, counts, flags) are kept even under a sensitive-looking name. */
function isSafeMeasure(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined;
}

/**
 * A `JSON.stringify` replacer (Powertools' `jsonReplacerFn`): a value under a name like `body`,
 * `encrypted_image`, `imageBytes` or `privateKey` becomes {@link REDACTED} unless it is a number,
 * a boolean or null; a string over {@link MAX_LOG_STRING_CHARS} becomes `[N chars omitted]`, so no
 * prefix of it remains; binary buffers never appear. The root object (key `''`) passes through.
 * Pure.
 */
export function redactReplacer(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_FIELD.test(key) && !isSafeMeasure(value)) return REDACTED;
  if (typeof value === 'string' && value.length > MAX_LOG_STRING_CHARS) {
    return `[${value.length} chars omitted]`;
  }
  if (value instanceof Uint8Array || value instanceof ArrayBuffer)
    return `[${value.byteLength} bytes omitted]`;
  if (isSerializedBuffer(value)) return `[${value.data.length} bytes omitted]`;
  return value;
}

/** What `Buffer#toJSON` returns (it runs before the replacer sees the value). */
function isSerializedBuffer(value: unknown): value is { type: 'Buffer'; data: unknown[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  );
}
