/**
 * BMP header parsing and normalisation, done by hand because sharp cannot read BMP and the BMP
 * decoder under jimp 1.6 (`bmp-ts`) trusts whatever it reads. Layout reference: Microsoft,
 * "Bitmap Storage" / BITMAPINFOHEADER, BITMAPV4HEADER, BITMAPV5HEADER.
 */
import { FaceQualityError } from '../errors.js';

const FILE_HEADER_BYTES = 14;
const INFO_HEADER_BYTES = 40;
/** BITMAPINFOHEADER, V2 (52), V3 (56), BITMAPV4HEADER, BITMAPV5HEADER. OS/2 headers are not supported. */
const INFO_HEADER_SIZES = new Set([40, 52, 56, 108, 124]);

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

/** What the header of a BMP file says, validated. */
export interface BmpHeader {
  readonly widthPx: number;
  /** Always positive; see `topDown`. */
  readonly heightPx: number;
  /** True when the rows are stored top to bottom (negative height in the file). */
  readonly topDown: boolean;
  /** 8, 16, 24 or 32. 1- and 4-bit palettes cannot hold a photo and `bmp-ts` mishandles odd widths. */
  readonly bitsPerPixel: 8 | 16 | 24 | 32;
  /** BI_RGB (0), BI_BITFIELDS (3) or BI_ALPHABITFIELDS (6). */
  readonly compression: number;
  readonly infoHeaderBytes: number;
  /** Colour table entries (4 bytes each) that precede the pixels; 0 above 8 bits per pixel. */
  readonly paletteEntries: number;
  /** Offset of the pixel array from the start of the file (`bfOffBits`). */
  readonly pixelDataOffset: number;
}

function invalid(message: string): FaceQualityError {
  return new FaceQualityError('INVALID_IMAGE_TYPE', message);
}

/**
 * Reads and validates the BMP file and info headers (no pixel is touched). Throws
 * `INVALID_IMAGE_TYPE` for a file that is not a BMP, is cut inside its headers, or uses a
 * variant we do not decode: OS/2 headers, 1/4-bit, embedded JPEG/PNG, and RLE (`bmp-ts` 1.0.9
 * writes RLE8 pixels one byte off and into the wrong rows).
 */
export function parseBmpHeader(bytes: Uint8Array): BmpHeader {
  if (bytes.length < FILE_HEADER_BYTES + INFO_HEADER_BYTES || bytes[0] !== 0x42 || bytes[1] !== 0x4d) {
    throw invalid('BMP file is truncated or not a BMP');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelDataOffset = view.getUint32(10, true);
  const infoHeaderBytes = view.getUint32(14, true);
  const widthPx = view.getInt32(18, true);
  const signedHeight = view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const colorsUsed = view.getUint32(46, true);

  if (!INFO_HEADER_SIZES.has(infoHeaderBytes)) {
    throw invalid(`Unsupported BMP header size ${infoHeaderBytes}`);
  }
  // int32 minimum has no positive counterpart; no real image is that tall anyway.
  if (widthPx <= 0 || signedHeight === 0 || signedHeight === -0x80000000) {
    throw invalid('BMP header has an invalid width or height');
  }
  if (bitsPerPixel !== 8 && bitsPerPixel !== 16 && bitsPerPixel !== 24 && bitsPerPixel !== 32) {
    throw invalid(`Unsupported BMP bit depth ${bitsPerPixel}`);
  }
  const compressionOk =
    compression === BI_RGB ||
    ((compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) &&
      (bitsPerPixel === 16 || bitsPerPixel === 32));
  if (!compressionOk) {
    throw invalid(`Unsupported BMP compression ${compression} at ${bitsPerPixel} bits per pixel`);
  }
  if (bitsPerPixel === 8 && colorsUsed > 256) {
    throw invalid('BMP colour table is larger than 256 entries');
  }
  return {
    widthPx,
    heightPx: Math.abs(signedHeight),
    topDown: signedHeight < 0,
    bitsPerPixel,
    compression,
    infoHeaderBytes,
    paletteEntries: bitsPerPixel === 8 ? colorsUsed || 256 : 0,
    pixelDataOffset,
  };
}

/** Bytes per stored row: rows are padded to a multiple of 4 bytes. */
function rowStrideBytes(header: BmpHeader): number {
  return Math.ceil((header.widthPx * header.bitsPerPixel) / 32) * 4;
}

/**
 * Rewrites a BMP whose header passed {@link parseBmpHeader} into the one layout `bmp-ts` reads
 * correctly: a 40-byte BITMAPINFOHEADER, RGB masks right after it (BI_BITFIELDS only), the colour
 * table, then the pixels, back to back. `bmp-ts` ignores `bfOffBits` and reads V4/V5 masks even
 * for BI_RGB (where writers leave zeros), so without this, valid files decode shifted or black.
 * The alpha mask is dropped: jimp discards BMP alpha anyway. Throws `INVALID_IMAGE_TYPE` when the
 * colour table or pixel array is cut short, the pixels overlap the headers, or a bit-field mask is 0.
 */
export function canonicalBmp(bytes: Uint8Array, header: BmpHeader): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bitFields = header.compression === BI_BITFIELDS || header.compression === BI_ALPHABITFIELDS;

  // Masks sit inside V2+ headers, and right after a 40-byte header otherwise.
  const masksAt = FILE_HEADER_BYTES + INFO_HEADER_BYTES;
  const extraMaskBytes =
    header.infoHeaderBytes === INFO_HEADER_BYTES && bitFields
      ? header.compression === BI_ALPHABITFIELDS
        ? 16
        : 12
      : 0;
  const paletteAt = FILE_HEADER_BYTES + header.infoHeaderBytes + extraMaskBytes;
  const paletteBytes = header.paletteEntries * 4;
  if (paletteAt + paletteBytes > bytes.length) throw invalid('BMP colour table is truncated');
  if (header.pixelDataOffset < paletteAt + paletteBytes) throw invalid('BMP pixel data overlaps its headers');

  const masks = bitFields ? [0, 4, 8].map((d) => view.getUint32(masksAt + d, true)) : [];
  if (masks.some((m) => m === 0)) throw invalid('BMP bit-field masks are empty');

  const pixelBytes = rowStrideBytes(header) * header.heightPx;
  if (header.pixelDataOffset + pixelBytes > bytes.length) {
    throw invalid('BMP pixel data is truncated');
  }

  const maskBytes = masks.length * 4;
  const offBits = FILE_HEADER_BYTES + INFO_HEADER_BYTES + maskBytes + paletteBytes;
  const out = new Uint8Array(offBits + pixelBytes);
  const w = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  w.setUint32(2, out.length, true);
  w.setUint32(10, offBits, true);
  w.setUint32(14, INFO_HEADER_BYTES, true);
  w.setInt32(18, header.widthPx, true);
  w.setInt32(22, header.topDown ? -header.heightPx : header.heightPx, true);
  w.setUint16(26, 1, true);
  w.setUint16(28, header.bitsPerPixel, true);
  w.setUint32(30, bitFields ? BI_BITFIELDS : header.compression, true);
  w.setUint32(34, pixelBytes, true);
  w.setUint32(46, header.paletteEntries, true);
  masks.forEach((m, i) => {
    w.setUint32(masksAt + i * 4, m, true);
  });
  out.set(bytes.subarray(paletteAt, paletteAt + paletteBytes), masksAt + maskBytes);
  out.set(bytes.subarray(header.pixelDataOffset, header.pixelDataOffset + pixelBytes), offBits);
  return out;
}
