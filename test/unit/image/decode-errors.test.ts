import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { DEFAULT_LIMITS } from '../../../lambda/config.js';
import type { ErrorKind } from '../../../lambda/errors.js';
import { isFaceQualityError } from '../../../lambda/errors.js';
import { decodeImage } from '../../../lambda/image/decode.js';
import type { ImageFormat } from '../../../lambda/image/format.js';
import { encodeAs, readFixture, solidImage } from '../../helpers/fixtures.js';

/** Deterministic PRNG (mulberry32), so a failing mutation can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(length: number, random: () => number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** A valid PNG header claiming `widthPx` × `heightPx` 8-bit RGB, followed by almost no pixel data. */
function pngClaiming(widthPx: number, heightPx: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(widthPx, 0);
  ihdr.writeUInt32BE(heightPx, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** A small real JPEG whose SOF0 frame header is patched to claim `widthPx` × `heightPx`. */
async function jpegClaiming(widthPx: number, heightPx: number): Promise<Buffer> {
  const jpeg = Buffer.from(await encodeAs(solidImage(64, 48, [90, 120, 150]), 'jpeg'));
  for (let i = 2; i + 9 < jpeg.length; i++) {
    if (jpeg[i] === 0xff && jpeg[i + 1] === 0xc0) {
      // FF C0, length (2), precision (1), height (2), width (2)
      jpeg.writeUInt16BE(heightPx, i + 5);
      jpeg.writeUInt16BE(widthPx, i + 7);
      return jpeg;
    }
  }
  throw new Error('baseline JPEG without SOF0');
}

/** A 54-byte BMP header (24-bit, BITMAPINFOHEADER) claiming `widthPx` × `heightPx`, with no pixels. */
function bmpClaiming(widthPx: number, heightPx: number): Buffer {
  const b = Buffer.alloc(54);
  b.write('BM', 0, 'ascii');
  b.writeUInt32LE(54, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(widthPx, 18);
  b.writeInt32LE(heightPx, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  return b;
}

async function kindOf(promise: Promise<unknown>): Promise<ErrorKind | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (e) {
    if (isFaceQualityError(e)) return e.kind;
    throw e;
  }
}

describe('decodeImage: byte-size checks', () => {
  test('empty input is CONTENT_EMPTY', async () => {
    expect(await kindOf(decodeImage(new Uint8Array(0), DEFAULT_LIMITS))).toBe('CONTENT_EMPTY');
  });

  test('input above maxImageBytes is CONTENT_TOO_LARGE, at the limit it decodes', async () => {
    const bytes = await readFixture('no-face-rocket.jpg');
    const limits = { ...DEFAULT_LIMITS, maxImageBytes: bytes.length - 1 };
    expect(await kindOf(decodeImage(bytes, limits))).toBe('CONTENT_TOO_LARGE');
    expect(await kindOf(decodeImage(bytes, { ...limits, maxImageBytes: bytes.length }))).toBe('resolved');
  });
});

describe('decodeImage: not an image we decode', () => {
  test.each([
    ['random bytes', randomBytes(4096, prng(1))],
    ['a text file', new TextEncoder().encode('name,age\nAda,36\nGrace,85\n'.repeat(20))],
    [
      'an SVG (sharp would render it; we refuse)',
      new TextEncoder().encode(
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>',
      ),
    ],
    ['a bare JPEG signature', Uint8Array.of(0xff, 0xd8, 0xff)],
    ['a bare BMP signature', new TextEncoder().encode('BM')],
  ])('%s is INVALID_IMAGE_TYPE', async (_label, bytes) => {
    expect(await kindOf(decodeImage(bytes, DEFAULT_LIMITS))).toBe('INVALID_IMAGE_TYPE');
  });

  test('AVIF, which sharp can read, is refused by signature', async () => {
    const avif = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } })
      .avif()
      .toBuffer();
    expect(await kindOf(decodeImage(avif, DEFAULT_LIMITS))).toBe('INVALID_IMAGE_TYPE');
  });

  test.each<ImageFormat>(['jpeg', 'png', 'webp', 'gif', 'tiff', 'bmp'])(
    'a truncated %s is INVALID_IMAGE_TYPE',
    async (format) => {
      const random = prng(7);
      const noisy = { ...solidImage(96, 64, [0, 0, 0]), data: randomBytes(96 * 64 * 3, random) };
      const bytes = await encodeAs(noisy, format);
      const cut = bytes.subarray(0, Math.floor(bytes.length * 0.6));
      expect(await kindOf(decodeImage(cut, DEFAULT_LIMITS))).toBe('INVALID_IMAGE_TYPE');
    },
  );

  test('the truncated real JPEG fixture is INVALID_IMAGE_TYPE', async () => {
    const bytes = await readFixture('no-face-rocket.jpg');
    expect(await kindOf(decodeImage(bytes.subarray(0, bytes.length - 2000), DEFAULT_LIMITS))).toBe(
      'INVALID_IMAGE_TYPE',
    );
  });
});

describe('decodeImage: pixel limits, read from the header without decoding', () => {
  // Each of these files carries (almost) no pixel data: decoding it would fail as
  // INVALID_IMAGE_TYPE, so INVALID_IMAGE_SIZE proves the header check ran first.
  const limits = DEFAULT_LIMITS; // 32..8192 px per side, 50 MP
  test.each([
    ['PNG 20000x20000', () => Promise.resolve(pngClaiming(20_000, 20_000))],
    ['JPEG 20000x20000', () => jpegClaiming(20_000, 20_000)],
    ['BMP 20000x20000', () => Promise.resolve(bmpClaiming(20_000, 20_000))],
    ['PNG 8000x8000 (sides fine, 64 MP)', () => Promise.resolve(pngClaiming(8000, 8000))],
    ['JPEG 8000x8000 (sides fine, 64 MP)', () => jpegClaiming(8000, 8000)],
    ['BMP 8000x8000 (sides fine, 64 MP)', () => Promise.resolve(bmpClaiming(8000, 8000))],
    ['PNG 100x20 (too narrow)', () => Promise.resolve(pngClaiming(100, 20))],
    ['BMP 20x100 (too narrow)', () => Promise.resolve(bmpClaiming(20, 100))],
  ])('%s is INVALID_IMAGE_SIZE, from the header alone', async (_label, make) => {
    // These files are headers with no pixel data: decoding them would fail as corrupt (2005), so
    // answering 2003 shows the size was judged before any decoding.
    const bytes = await make();
    expect(await kindOf(decodeImage(bytes, limits))).toBe('INVALID_IMAGE_SIZE');
  });

  test('a real image below minSidePx is INVALID_IMAGE_SIZE; at the limit it decodes', async () => {
    const png = await encodeAs(solidImage(31, 40, [10, 20, 30]), 'png');
    expect(await kindOf(decodeImage(png, limits))).toBe('INVALID_IMAGE_SIZE');
    const atLimit = await encodeAs(solidImage(32, 40, [10, 20, 30]), 'png');
    expect(await kindOf(decodeImage(atLimit, limits))).toBe('resolved');
  });

  test('maxSidePx and maxMegapixels are inclusive bounds', async () => {
    const png = await encodeAs(solidImage(100, 50, [10, 20, 30]), 'png');
    const exact = { ...limits, maxSidePx: 100, maxMegapixels: 0.005 };
    expect(await kindOf(decodeImage(png, exact))).toBe('resolved');
    expect(await kindOf(decodeImage(png, { ...exact, maxSidePx: 99 }))).toBe('INVALID_IMAGE_SIZE');
    expect(await kindOf(decodeImage(png, { ...exact, maxMegapixels: 0.004999 }))).toBe('INVALID_IMAGE_SIZE');
  });
});

describe('decodeImage: fuzzing', () => {
  // Tight pixel limits keep a mutated header from asking for a legitimately huge (slow) decode.
  const limits = { ...DEFAULT_LIMITS, maxSidePx: 1024, maxMegapixels: 1 };

  function mutate(base: Uint8Array, random: () => number): Uint8Array {
    const bytes = Uint8Array.from(base);
    const pick = (n: number) => Math.floor(random() * n);
    switch (pick(4)) {
      case 0: // flip a few bytes anywhere
        for (let i = 0, n = 1 + pick(8); i < n; i++) bytes[pick(bytes.length)] = pick(256);
        return bytes;
      case 1: // damage the headers, where parsers make their decisions
        for (let i = 0, n = 1 + pick(4); i < n; i++) bytes[pick(Math.min(bytes.length, 160))] = pick(256);
        return bytes;
      case 2: // truncate
        return bytes.subarray(0, pick(bytes.length));
      default: {
        // splice random garbage in
        const at = pick(bytes.length);
        const garbage = randomBytes(1 + pick(64), random);
        return Uint8Array.from([...bytes.subarray(0, at), ...garbage, ...bytes.subarray(at)]);
      }
    }
  }

  test('200 mutated JPEG/PNG/BMP files only ever yield a valid image or a FaceQualityError', async () => {
    const random = prng(20240601);
    const source = { ...solidImage(64, 48, [0, 0, 0]), data: randomBytes(64 * 48 * 3, random) };
    const bases = await Promise.all((['jpeg', 'png', 'bmp'] as const).map((f) => encodeAs(source, f)));
    const kinds = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const base = bases[i % bases.length] ?? new Uint8Array(0);
      const input = mutate(base, random);
      let outcome: string;
      try {
        const { image } = await decodeImage(input, limits);
        expect(image.data).toHaveLength(image.width * image.height * 3);
        expect(Math.max(image.width, image.height)).toBeLessThanOrEqual(limits.maxSidePx);
        outcome = 'decoded';
      } catch (e) {
        if (!isFaceQualityError(e)) throw new Error(`mutation ${i} threw ${String(e)}`);
        expect(['INVALID_IMAGE_TYPE', 'INVALID_IMAGE_SIZE', 'CONTENT_EMPTY']).toContain(e.kind);
        outcome = e.kind;
      }
      kinds.set(outcome, (kinds.get(outcome) ?? 0) + 1);
    }
    // The mutations must actually exercise both outcomes, or the test proves nothing.
    expect(kinds.get('INVALID_IMAGE_TYPE') ?? 0).toBeGreaterThan(20);
    expect(kinds.get('decoded') ?? 0).toBeGreaterThan(20);
  });
});
