/**
 * Container format detection from magic bytes. The only thing we trust about an upload is its
 * content: no file name, MIME type or extension is consulted.
 */

/** Image containers the intake decodes. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'bmp';

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/**
 * Returns the container format announced by the first bytes of `bytes`, or `undefined` when it is
 * none we decode. Signatures: JPEG SOI + marker `FF D8 FF`; PNG 8-byte signature (RFC 2083 §3.1);
 * `RIFF....WEBP`; `GIF87a`/`GIF89a`; classic TIFF `II*\0`/`MM\0*`; BMP `BM`.
 * Only the signature is checked; whether the rest is valid is the decoder's business.
 */
export function detectImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]))
    return 'tiff';
  if (startsWith(bytes, ascii('BM'))) return 'bmp';
  return undefined;
}
