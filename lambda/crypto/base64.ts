import { FaceQualityError } from '../errors.js';

/** Standard and URL-safe alphabets together, without padding. */
const BASE64_BODY = /^[A-Za-z0-9+/\-_]*$/;

/**
 * Decodes the base64 text a client posted as `encrypted_image`, tolerant of how real clients mangle it.
 *
 * Accepted (RFC 4648 §4 and §5):
 * - the standard (`+/`) and the URL-safe (`-_`) alphabets, even mixed;
 * - spaces read as `+`: `curl -d encrypted_image=...` posts without URL-encoding, so the form decoder
 *   turns every `+` into a space;
 * - line breaks (`\r`, `\n`) anywhere, as written by `base64` (76-column MIME lines) and PEM-style tools;
 * - padding (`=`) missing, or present only at the end and making the length a multiple of 4.
 *
 * Anything else (other characters, `=` inside the text, a length that leaves a single dangling
 * character) is rejected, because Node's own decoder silently skips junk and would hand the
 * decryptor corrupted bytes with a less helpful error.
 *
 * @param text the field value as received (after form/JSON decoding).
 * @returns the decoded bytes; empty when `text` holds only whitespace.
 * @throws FaceQualityError `INVALID_ARGUMENT` when `text` is not base64.
 */
export function parseBase64(text: string): Buffer {
  // Most bodies are clean: skip the copying replaces (this text can be ~6 MB).
  const compact = /[\r\n ]/.test(text) ? text.replace(/[\r\n]/g, '').replace(/ /g, '+') : text;
  const padAt = compact.indexOf('=');
  const body = padAt === -1 ? compact : compact.slice(0, padAt);
  const padding = padAt === -1 ? '' : compact.slice(padAt);
  if (!BASE64_BODY.test(body)) {
    throw new FaceQualityError(
      'INVALID_ARGUMENT',
      'encrypted_image is not base64: it contains characters outside the base64 alphabets',
    );
  }
  // One leftover character carries only 6 bits, less than a byte: the text was cut.
  const validPadding =
    body.length % 4 !== 1 &&
    (padding === '' || (/^={1,2}$/.test(padding) && (body.length + padding.length) % 4 === 0));
  if (!validPadding) {
    throw new FaceQualityError(
      'INVALID_ARGUMENT',
      'encrypted_image is not base64: its length or padding is wrong (was it truncated?)',
    );
  }
  // Node's 'base64' decoder accepts both alphabets and missing padding.
  return Buffer.from(body, 'base64');
}
