/**
 * The fuzz corpus of `POST /quality/face/stateless`: every case generated in code from a seed, with
 * the contract codes it may answer. A fixed part covers each family by construction (formats,
 * tampered ciphertext regions, body oddities, transport errors); a seeded random part mutates
 * images, ciphertexts and bodies to reach `cases` in total. See scripts/fuzz.ts.
 */
import { constants } from 'node:crypto';
import { AlgorithmSuiteIdentifier, CommitmentPolicy } from '@aws-crypto/client-node';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { EncryptionKeyInfo } from '../lambda/crypto/index.js';
import { STATELESS_PATH } from '../lambda/http/router.js';
import { toApiGatewayEvent } from '../lambda/local/event.js';
import { encryptFor, messageRegions, strangerKeyring } from './fuzz-ciphertext.js';
import {
  dimensionPatcher,
  faceVariants,
  flipBits,
  loadFace,
  mutationBases,
  type Sample,
  textured,
  truncate,
} from './fuzz-images.js';
import { type Random, seededRandom } from './fuzz-random.js';

/** An HTTP request sent with node:http (exact headers, exact body). */
export interface HttpRequestSpec {
  readonly kind: 'http';
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Bytes written as is to a fresh TCP connection (what no HTTP client would send). */
export interface RawRequestSpec {
  readonly kind: 'raw';
  readonly bytes: Buffer;
}

/** An API Gateway event handed straight to the handler (what HTTP cannot express). */
export interface EventRequestSpec {
  readonly kind: 'event';
  readonly event: APIGatewayProxyEvent;
}

export interface FuzzCase {
  /** Unique and stable for a seed: `family/detail`. */
  readonly id: string;
  readonly family: string;
  readonly request: HttpRequestSpec | RawRequestSpec | EventRequestSpec;
  /** Contract codes this case may answer. */
  readonly expected: readonly number[];
  /** The image bytes before encryption, for cases that post one (kept to replay a failure). */
  readonly plaintext?: Buffer;
}

/** Every code the contract (and our 404) answers with. */
export const CONTRACT_CODES: readonly number[] = Object.freeze([1000, 1200, 2003, 2004, 2005, 4000, 404]);

/** What a decrypted but mangled image may answer: decoded or not, sized or not, face or not. */
const IMAGE_CODES = [1000, 2003, 2004, 2005, 4000] as const;
/** A mangled image that cannot hold a face any more, or never did. */
const NOT_A_FACE = [2003, 2004, 2005, 4000] as const;
const INVALID = [1200] as const;

const FORM = 'application/x-www-form-urlencoded';

function post(
  body: Buffer | string,
  contentType: string | undefined,
  path = STATELESS_PATH,
): HttpRequestSpec {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const headers: Record<string, string> = contentType === undefined ? {} : { 'content-type': contentType };
  return { kind: 'http', method: 'POST', path, headers, body: bytes };
}

/** A urlencoded form carrying `encrypted_image`, properly encoded. */
function form(encryptedImage: string): HttpRequestSpec {
  return post(`encrypted_image=${encodeURIComponent(encryptedImage)}`, FORM);
}

function multipart(parts: readonly { headers: string; body: string }[], boundary: string): Buffer {
  const chunks = parts.map((p) => `--${boundary}\r\n${p.headers}\r\n\r\n${p.body}\r\n`);
  return Buffer.from(`${chunks.join('')}--${boundary}--\r\n`, 'utf8');
}

const fieldPart = (value: string, name = 'encrypted_image') => ({
  headers: `Content-Disposition: form-data; name="${name}"`,
  body: value,
});

export interface CorpusOptions {
  readonly seed: number;
  /** Total cases; the fixed part is always included, random mutations fill up the rest. */
  readonly cases: number;
  /** The service's key, as `GET /quality/face/encryption-key` returns it. */
  readonly key: EncryptionKeyInfo;
  /** Largest accepted body (`MAX_BODY_BYTES`), for the transport cases. */
  readonly maxBodyBytes: number;
  /** Largest accepted image (`MAX_IMAGE_BYTES`). */
  readonly maxImageBytes: number;
}

/** Builds the corpus: same options, same cases (ciphertexts differ run to run, the cases do not). */
export async function buildCorpus(options: CorpusOptions): Promise<FuzzCase[]> {
  const random = seededRandom(options.seed);
  const { key } = options;
  const enc = async (plaintext: Uint8Array): Promise<string> =>
    (await encryptFor(key, plaintext)).toString('base64');
  const cases: FuzzCase[] = [];
  const add = (family: string, detail: string, request: FuzzCase['request'], expected: readonly number[]) => {
    cases.push({ id: `${family}/${detail}`, family, request, expected });
  };
  /** A case posting `bytes` encrypted for the service, as a urlencoded form. */
  const image = async (family: string, detail: string, bytes: Uint8Array, expected: readonly number[]) => {
    const request = form(await enc(bytes));
    cases.push({ id: `${family}/${detail}`, family, request, expected, plaintext: Buffer.from(bytes) });
  };

  const face = await loadFace();
  const variants = await faceVariants(face, random);
  const faceJpeg = variants.find((v) => v.name === 'jpeg-baseline')?.bytes ?? Buffer.alloc(0);
  const bases = await mutationBases(textured(48, random));
  const notImage = Buffer.from(random.bytes(300));
  const notImageCiphertext = await encryptFor(key, notImage);
  const notImageB64 = notImageCiphertext.toString('base64');

  // 1. Real encodings of the face photo: each one is a photo a client may send.
  for (const v of variants) await image('face-variant', v.name, v.bytes, [1000]);

  // 2. Every body shape the API accepts: the photo as JSON and as a multipart file (1000), the
  // other shapes with the non-image, whose 2005 shows it was found, decoded and decrypted.
  const faceB64 = await enc(faceJpeg);
  const boundary = '----fuzzBoundary7MA4YWxkTrZu0gW';
  add('face-body', 'json', post(JSON.stringify({ encrypted_image: faceB64 }), 'application/json'), [1000]);
  add(
    'face-body',
    'multipart-file-with-extra-fields',
    post(
      multipart(
        [
          fieldPart('hello', 'note'),
          {
            headers:
              'Content-Disposition: form-data; name="encrypted_image"; filename="photo.enc"\r\nContent-Type: application/octet-stream',
            body: faceB64,
          },
        ],
        boundary,
      ),
      `multipart/form-data; boundary="${boundary}"`,
    ),
    [1000],
  );
  const accepted: [string, HttpRequestSpec][] = [
    [
      'json-charset',
      post(JSON.stringify({ encrypted_image: notImageB64 }), 'application/json; charset=UTF-8'),
    ],
    [
      'multipart-field',
      post(multipart([fieldPart(notImageB64)], boundary), `multipart/form-data; boundary=${boundary}`),
    ],
    ['form-unencoded-plus', post(`encrypted_image=${notImageB64}`, FORM)],
    ['form-url-safe-alphabet', form(notImageB64.replace(/\+/g, '-').replace(/\//g, '_'))],
    ['form-no-padding', form(notImageB64.replace(/=+$/, ''))],
    ['form-mime-lines', form((notImageB64.match(/.{1,76}/g) ?? []).join('\r\n'))],
    ['form-no-content-type', post(`encrypted_image=${encodeURIComponent(notImageB64)}`, undefined)],
    [
      'form-upper-case-type',
      post(`encrypted_image=${encodeURIComponent(notImageB64)}`, 'APPLICATION/X-WWW-FORM-URLENCODED'),
    ],
    ['form-with-query-string', { ...form(notImageB64), path: `${STATELESS_PATH}?lang=en&debug=1` }],
  ];
  for (const [name, request] of accepted) add('body-accepted', name, request, [2005]);

  // 3. Truncations of every format: inside the header (seeded) and half way; zero bytes once; the
  // face photo also just before its end (a missing EOI/IEND), which decoders tolerate.
  await image('truncate', 'empty', new Uint8Array(0), [2004]);
  for (const base of bases) {
    const n = base.bytes.length;
    for (const cut of new Set([random.pick([2, 3, 8, 12, 26, 40, 100]), Math.floor(n / 2)])) {
      if (cut < n) await image('truncate', `${base.name}@${cut}`, truncate(base.bytes, cut), IMAGE_CODES);
    }
  }
  for (const v of variants.filter((v) =>
    ['jpeg-baseline', 'jpeg-progressive', 'png-rgb8'].includes(v.name),
  )) {
    const n = v.bytes.length;
    for (const cut of [Math.floor(n / 2), n - 1]) {
      await image('truncate', `face-${v.name}@${cut}`, truncate(v.bytes, cut), IMAGE_CODES);
    }
  }

  // 4. Bit flips in the first bytes (signature, header) of every format.
  for (const base of bases) {
    const [spanBytes, count] = random.pick([
      [16, 1],
      [64, 2],
      [256, 4],
    ] as const);
    await image(
      'header-flip',
      `${base.name}/${count}bits-in-${spanBytes}`,
      flipBits(base.bytes, count, random, 0, spanBytes),
      IMAGE_CODES,
    );
  }

  // 5. Header dimensions: one pixel, the 16-bit maximum, and a seeded pick of zero, over the
  // limits and lies about the real size.
  for (const base of bases.filter((b) => !b.name.includes('multipage') && !b.name.includes('animated'))) {
    const patch = dimensionPatcher(base);
    if (patch === undefined) continue;
    const dims: [string, number, number, readonly number[]][] = [
      ['1x1', 1, 1, [2003, 2005]],
      ['65535x65535', 65535, 65535, [2003, 2005]],
      random.pick([
        ['0x0', 0, 0, NOT_A_FACE],
        ['0x48', 0, 48, NOT_A_FACE],
        ['8193x48', 8193, 48, [2003, 2005]],
        ['lie-96x96', 96, 96, NOT_A_FACE],
        ['lie-47x49', 47, 49, NOT_A_FACE],
        ['lie-24x24', 24, 24, NOT_A_FACE],
      ] as const),
    ];
    for (const [name, w, h, expected] of dims) {
      const patched = patch(base.bytes, w, h);
      if (patched !== undefined) await image('dimensions', `${base.name}/${name}`, patched, expected);
    }
  }
  const pngBase = bases.find((b) => b.name === 'png-rgb8');
  if (pngBase !== undefined) {
    const badCrc = dimensionPatcher(pngBase, false)?.(pngBase.bytes, 96, 96);
    if (badCrc !== undefined) await image('dimensions', 'png-rgb8/bad-ihdr-crc', badCrc, NOT_A_FACE);
  }
  const bmpBase = bases.find((b) => b.name === 'bmp-24');
  if (bmpBase !== undefined) {
    const patch = dimensionPatcher(bmpBase);
    for (const [name, w, h] of [
      ['negative-width', -48, 48],
      ['int32-min-height', 48, -2147483648],
      ['int32-max', 2147483647, 2147483647],
    ] as const) {
      const patched = patch?.(bmpBase.bytes, w, h);
      if (patched !== undefined) await image('dimensions', `bmp-24/${name}`, patched, NOT_A_FACE);
    }
  }

  // 6. Plaintexts that are no image: random bytes, and random bytes behind each signature.
  add('random', 'plaintext-bytes', form(notImageB64), [2005]);
  for (const [name, magic] of [
    ['jpeg', [0xff, 0xd8, 0xff, 0xe0]],
    ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
    ['gif', [...Buffer.from('GIF89a')]],
    ['webp', [...Buffer.from('RIFF'), 0x10, 0, 0, 0, ...Buffer.from('WEBPVP8 ')]],
    ['tiff', [0x49, 0x49, 0x2a, 0x00]],
    ['bmp', [...Buffer.from('BM')]],
  ] as const) {
    const bytes = Buffer.concat([Buffer.from(magic), Buffer.from(random.bytes(2000))]);
    await image('random', `magic-${name}`, bytes, NOT_A_FACE);
  }
  add('random', 'base64-of-random-bytes', form(Buffer.from(random.bytes(3000)).toString('base64')), INVALID);
  add('random', 'unencrypted-face-photo', form(faceJpeg.toString('base64')), INVALID);
  for (const type of [
    FORM,
    'application/json',
    `multipart/form-data; boundary=${boundary}`,
    'application/octet-stream',
  ]) {
    add('random', `body-bytes/${type.split(';')[0]}`, post(Buffer.from(random.bytes(4000)), type), INVALID);
  }

  // 7. Ciphertexts: each region of a real message tampered, truncated, reordered.
  const photoMessage = await encryptFor(key, faceJpeg, { frameLength: 16 * 1024 });
  for (const region of messageRegions(photoMessage)) {
    if (/^frame[1-9]/.test(region.name)) continue;
    const flipped = flipBits(photoMessage, 1, random, region.start, region.end);
    // A larger declared frame length is refused by size before authentication.
    const expected = region.name === 'header.frame-length' ? [1200, 2004] : INVALID;
    add('ciphertext', `flip/${region.name}`, form(flipped.toString('base64')), expected);
    add(
      'ciphertext',
      `cut-before/${region.name}`,
      form(truncate(photoMessage, region.start).toString('base64')),
      region.start === 0 ? [1200] : INVALID,
    );
  }
  const regions = messageRegions(photoMessage);
  const frame = (name: string) => regions.filter((r) => r.name.startsWith(`${name}.`));
  const span = (parts: readonly { start: number; end: number }[]) =>
    photoMessage.subarray(parts[0]?.start ?? 0, parts[parts.length - 1]?.end ?? 0);
  const frame0 = span(frame('frame0'));
  const frame1 = span(frame('frame1'));
  const bodyStart = frame('frame0')[0]?.start ?? 0;
  const footer = regions.find((r) => r.name === 'footer.signature');
  add(
    'ciphertext',
    'swap-frames',
    form(
      Buffer.concat([
        photoMessage.subarray(0, bodyStart),
        frame1,
        frame0,
        photoMessage.subarray(bodyStart + frame0.length + frame1.length),
      ]).toString('base64'),
    ),
    INVALID,
  );
  add(
    'ciphertext',
    'duplicate-frame',
    form(
      Buffer.concat([photoMessage.subarray(0, bodyStart), frame0, photoMessage.subarray(bodyStart)]).toString(
        'base64',
      ),
    ),
    INVALID,
  );
  if (footer !== undefined) {
    add(
      'ciphertext',
      'no-signature',
      form(photoMessage.subarray(0, footer.start).toString('base64')),
      INVALID,
    );
  }
  add(
    'ciphertext',
    'trailing-bytes',
    form(Buffer.concat([photoMessage, Buffer.from(random.bytes(64))]).toString('base64')),
    INVALID,
  );
  add(
    'ciphertext',
    'two-messages',
    form(Buffer.concat([notImageCiphertext, notImageCiphertext]).toString('base64')),
    INVALID,
  );

  // 8. Messages built with other suites, keys and keyring settings.
  const small = notImage;
  const strangers = [strangerKeyring('a'), strangerKeyring('b'), strangerKeyring('c')];
  const built: [string, Promise<Buffer>, readonly number[]][] = [
    [
      'non-committing-suite',
      encryptFor(key, small, {
        commitmentPolicy: CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT,
        suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
      }),
      INVALID,
    ],
    [
      'non-committing-unsigned-no-kdf',
      encryptFor(key, small, {
        commitmentPolicy: CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT,
        suiteId: AlgorithmSuiteIdentifier.ALG_AES128_GCM_IV12_TAG16,
      }),
      INVALID,
    ],
    [
      'committing-unsigned-suite',
      encryptFor(key, small, {
        suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
      }),
      [2005],
    ],
    ['tiny-frames', encryptFor(key, small, { frameLength: 16 }), [2005]],
    [
      'three-data-keys-ours-last',
      encryptFor(key, small, {
        extraKeyrings: [strangerKeyring('a'), strangerKeyring('b')],
        serviceKeyLast: true,
      }),
      [2005],
    ],
    [
      'four-data-keys',
      encryptFor(key, small, {
        extraKeyrings: strangers,
      }),
      INVALID,
    ],
    [
      'twelve-data-keys',
      encryptFor(key, small, {
        extraKeyrings: [...strangers, ...strangers, ...strangers, ...strangers].slice(0, 11),
      }),
      INVALID,
    ],
    [
      'stranger-key-only',
      encryptFor(key, small, {
        extraKeyrings: [strangerKeyring('x')],
        serviceKeyLast: true,
        keyName: 'not-ours',
      }),
      INVALID,
    ],
    ['wrong-key-name', encryptFor(key, small, { keyName: `${key.key_name}-old` }), INVALID],
    [
      'oaep-sha1',
      encryptFor(key, small, { rsa: { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' } }),
      INVALID,
    ],
    ['pkcs1-v1.5', encryptFor(key, small, { rsa: { padding: constants.RSA_PKCS1_PADDING } }), INVALID],
    [
      'large-encryption-context',
      encryptFor(key, small, {
        encryptionContext: Object.fromEntries(
          Array.from({ length: 200 }, (_, i) => [`k${i}`, 'v'.repeat(50)]),
        ),
      }),
      [2005],
    ],
    ['empty-plaintext', encryptFor(key, new Uint8Array(0)), [2004]],
    ['plaintext-over-limit', encryptFor(key, random.bytes(options.maxImageBytes + 1)), [2004]],
  ];
  for (const [name, message, expected] of built)
    add('ciphertext', name, form((await message).toString('base64')), expected);

  // 9. base64 as clients mangle it (valid variants decode to the non-image: 2005).
  const junk = ['!', '%', '*', '.', ',', '"', '\\', '\u00e9', '\u0000', '\t', '\u{1F600}', '=='];
  for (const ch of junk) {
    const at = 1 + random.int(notImageB64.length - 2);
    add(
      'base64',
      `junk-${ch.codePointAt(0)}`,
      form(notImageB64.slice(0, at) + ch + notImageB64.slice(at)),
      INVALID,
    );
  }
  const b64Variants: [string, string, readonly number[]][] = [
    ['cut-1-char', notImageB64.replace(/=+$/, '').slice(0, -1), INVALID],
    ['cut-4-chars', notImageB64.slice(0, -4), INVALID],
    ['leading-space', ` ${notImageB64}`, INVALID],
    ['padding-in-middle', `${notImageB64.slice(0, 8)}=${notImageB64.slice(8)}`, INVALID],
    ['too-much-padding', `${notImageB64.replace(/=+$/, '')}===`, INVALID],
    ['double-base64', Buffer.from(notImageB64).toString('base64'), INVALID],
    ['hex', notImageCiphertext.toString('hex'), INVALID],
    ['url-safe', notImageB64.replace(/\+/g, '-').replace(/\//g, '_'), [2005]],
    ['lf-every-64', (notImageB64.match(/.{1,64}/g) ?? []).join('\n'), [2005]],
    ['spaces-for-plus', notImageB64.replace(/\+/g, ' '), [2005]],
    ['only-whitespace', ' \r\n ', INVALID],
  ];
  for (const [name, value, expected] of b64Variants) add('base64', name, form(value), expected);

  // 10. Body oddities: urlencoded, JSON, multipart, content types.
  const valid = encodeURIComponent(notImageB64);
  const bodies: [string, HttpRequestSpec, readonly number[]][] = [
    ['form/duplicate-field', post(`encrypted_image=${valid}&encrypted_image=${valid}`, FORM), INVALID],
    ['form/other-case-name', post(`Encrypted_Image=${valid}`, FORM), INVALID],
    ['form/array-name', post(`encrypted_image[]=${valid}`, FORM), INVALID],
    ['form/empty-value', post('encrypted_image=', FORM), INVALID],
    ['form/name-only', post('encrypted_image', FORM), INVALID],
    ['form/ampersands', post('&&&&=&=', FORM), INVALID],
    ['form/broken-escapes', post(`encrypted_image=%zz%${valid}%`, FORM), INVALID],
    ['form/double-encoded', post(`encrypted_image=${encodeURIComponent(valid)}`, FORM), INVALID],
    ['form/huge-field-name', post(`${'n'.repeat(1_000_000)}=1`, FORM), INVALID],
    [
      'form/many-fields',
      post(
        `${Array.from({ length: 20000 }, (_, i) => `f${i}=${i}`).join('&')}&encrypted_image=${valid}`,
        FORM,
      ),
      [2005],
    ],
    ['form/bom', post(`\ufeffencrypted_image=${valid}`, FORM), INVALID],
    ['form/nul-in-name', post(`encrypted\u0000image=${valid}`, FORM), INVALID],
    [
      'json/duplicate-key',
      post(`{"encrypted_image":"${notImageB64}","encrypted_image":"${notImageB64}"}`, 'application/json'),
      INVALID,
    ],
    ['json/number', post('{"encrypted_image": 12345}', 'application/json'), INVALID],
    ['json/null', post('{"encrypted_image": null}', 'application/json'), INVALID],
    ['json/array', post(`{"encrypted_image": ["${notImageB64}"]}`, 'application/json'), INVALID],
    ['json/object', post(`{"encrypted_image": {"value": "${notImageB64}"}}`, 'application/json'), INVALID],
    [
      'json/nested-only',
      post(`{"data": {"encrypted_image": "${notImageB64}"}}`, 'application/json'),
      INVALID,
    ],
    [
      'json/proto-key',
      post(`{"__proto__": {"encrypted_image": "${notImageB64}"}}`, 'application/json'),
      INVALID,
    ],
    ['json/escaped-key', post(`{"encrypted\\u005fimage": "${notImageB64}"}`, 'application/json'), [2005]],
    ['json/deep-nesting', post(`${'['.repeat(200_000)}${']'.repeat(200_000)}`, 'application/json'), INVALID],
    [
      'json/deep-nesting-beside-field',
      post(
        `{"encrypted_image":"${notImageB64}","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
        'application/json',
      ),
      [2005],
    ],
    ['json/huge-key', post(`{"${'k'.repeat(1_000_000)}": 1}`, 'application/json'), INVALID],
    ['json/top-level-string', post(JSON.stringify(notImageB64), 'application/json'), INVALID],
    ['json/trailing-comma', post(`{"encrypted_image":"${notImageB64}",}`, 'application/json'), INVALID],
    ['json/single-quotes', post(`{'encrypted_image':'${notImageB64}'}`, 'application/json'), INVALID],
    ['json/bom', post(`\ufeff{"encrypted_image":"${notImageB64}"}`, 'application/json'), INVALID],
    [
      'json/utf16',
      post(Buffer.from(`{"encrypted_image":"${notImageB64}"}`, 'utf16le'), 'application/json'),
      INVALID,
    ],
    ['json/truncated', post(`{"encrypted_image":"${notImageB64.slice(0, 100)}`, 'application/json'), INVALID],
    [
      'multipart/no-boundary-param',
      post(multipart([fieldPart(notImageB64)], boundary), 'multipart/form-data'),
      INVALID,
    ],
    [
      'multipart/boundary-mismatch',
      post(multipart([fieldPart(notImageB64)], boundary), 'multipart/form-data; boundary=other'),
      INVALID,
    ],
    [
      'multipart/duplicate-part',
      post(
        multipart([fieldPart(notImageB64), fieldPart(notImageB64)], boundary),
        `multipart/form-data; boundary=${boundary}`,
      ),
      INVALID,
    ],
    [
      'multipart/seventeen-parts',
      post(
        multipart(
          [...Array.from({ length: 16 }, (_, i) => fieldPart('x', `f${i}`)), fieldPart(notImageB64)],
          boundary,
        ),
        `multipart/form-data; boundary=${boundary}`,
      ),
      INVALID,
    ],
    [
      'multipart/no-name',
      post(
        multipart([{ headers: 'Content-Disposition: form-data', body: notImageB64 }], boundary),
        `multipart/form-data; boundary=${boundary}`,
      ),
      INVALID,
    ],
    [
      'multipart/no-closing-boundary',
      post(
        `--${boundary}\r\nContent-Disposition: form-data; name="encrypted_image"\r\n\r\n${notImageB64}`,
        `multipart/form-data; boundary=${boundary}`,
      ),
      [1200, 2005],
    ],
    [
      'multipart/lf-line-ends',
      post(
        `--${boundary}\nContent-Disposition: form-data; name="encrypted_image"\n\n${notImageB64}\n--${boundary}--\n`,
        `multipart/form-data; boundary=${boundary}`,
      ),
      [1200, 2005],
    ],
    [
      'multipart/huge-part-header',
      post(
        multipart(
          [
            {
              headers: `Content-Disposition: form-data; name="encrypted_image"\r\nX-Junk: ${'j'.repeat(200_000)}`,
              body: notImageB64,
            },
          ],
          boundary,
        ),
        `multipart/form-data; boundary=${boundary}`,
      ),
      [1200, 2005],
    ],
    [
      'multipart/preamble-epilogue',
      post(
        Buffer.concat([
          Buffer.from('preamble junk\r\n'),
          multipart([fieldPart(notImageB64)], boundary),
          Buffer.from('epilogue junk'),
        ]),
        `multipart/form-data; boundary=${boundary}`,
      ),
      [2005],
    ],
    [
      'multipart/boundary-200-chars',
      post(
        multipart([fieldPart(notImageB64)], 'b'.repeat(200)),
        `multipart/form-data; boundary=${'b'.repeat(200)}`,
      ),
      [1200, 2005],
    ],
    [
      'multipart/mixed-nested',
      post(
        multipart(
          [
            {
              headers: `Content-Disposition: form-data; name="files"\r\nContent-Type: multipart/mixed; boundary=inner`,
              body: `--inner\r\n\r\n${notImageB64}\r\n--inner--`,
            },
          ],
          boundary,
        ),
        `multipart/form-data; boundary=${boundary}`,
      ),
      INVALID,
    ],
    ['type/text-plain', post(`encrypted_image=${valid}`, 'text/plain'), INVALID],
    ['type/octet-stream-ciphertext', post(notImageCiphertext, 'application/octet-stream'), INVALID],
    [
      'type/multipart-mixed',
      post(multipart([fieldPart(notImageB64)], boundary), `multipart/mixed; boundary=${boundary}`),
      INVALID,
    ],
    ['type/garbage', post(`encrypted_image=${valid}`, ';;;=;'), INVALID],
    ['type/very-long', post(`encrypted_image=${valid}`, `application/${'x'.repeat(8000)}`), INVALID],
    [
      'type/gzip-encoded',
      {
        ...post(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, ...random.bytes(200)]), FORM),
        headers: { 'content-type': FORM, 'content-encoding': 'gzip' },
      },
      INVALID,
    ],
  ];
  for (const [name, request, expected] of bodies) add('body', name, request, expected);

  // 11. Transport: methods, paths, sizes, and bytes no HTTP client sends.
  const transport: [string, FuzzCase['request'], readonly number[]][] = [
    ['empty-body', post(Buffer.alloc(0), FORM), [2004]],
    ['body-over-limit', post(Buffer.alloc(options.maxBodyBytes + 1, 0x41), FORM), [2004]],
    [
      'get-stateless',
      { kind: 'http', method: 'GET', path: STATELESS_PATH, headers: {}, body: Buffer.alloc(0) },
      [404],
    ],
    ['put-stateless', { ...form(notImageB64), method: 'PUT' }, [404]],
    [
      'delete-stateless',
      { kind: 'http', method: 'DELETE', path: STATELESS_PATH, headers: {}, body: Buffer.alloc(0) },
      [404],
    ],
    [
      'options-without-cors',
      { kind: 'http', method: 'OPTIONS', path: STATELESS_PATH, headers: {}, body: Buffer.alloc(0) },
      [404],
    ],
    ['post-key-endpoint', { ...form(notImageB64), path: '/quality/face/encryption-key' }, [404]],
    // API Gateway and the router both ignore one trailing slash.
    ['trailing-slash', { ...form(notImageB64), path: `${STATELESS_PATH}/` }, [404, 2005]],
    ['upper-case-path', { ...form(notImageB64), path: STATELESS_PATH.toUpperCase() }, [404]],
    ['encoded-slash', { ...form(notImageB64), path: '/quality/face%2Fstateless' }, [404]],
    ['dot-segments', { ...form(notImageB64), path: '/quality/face/./stateless' }, [404, 2005]],
    ['double-slash', { ...form(notImageB64), path: `/${STATELESS_PATH}` }, [404, 2005]],
    ['long-path', { ...form(notImageB64), path: `/${'a'.repeat(8000)}` }, [404]],
    [
      'many-headers',
      {
        ...form(notImageB64),
        headers: {
          'content-type': FORM,
          ...Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`x-h${i}`, 'v'])),
        },
      },
      [2005],
    ],
    [
      'raw/garbage-request-line',
      { kind: 'raw', bytes: Buffer.from('\u0016\u0003\u0001\u0000\u00a5HELLO TLS?\r\n\r\n', 'latin1') },
      INVALID,
    ],
    ['raw/http-0.9', { kind: 'raw', bytes: Buffer.from(`GET ${STATELESS_PATH}\r\n\r\n`) }, [404, 1200]],
    [
      'raw/bad-content-length',
      {
        kind: 'raw',
        bytes: Buffer.from(`POST ${STATELESS_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n`),
      },
      INVALID,
    ],
    [
      'raw/negative-content-length',
      {
        kind: 'raw',
        bytes: Buffer.from(`POST ${STATELESS_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n`),
      },
      INVALID,
    ],
    [
      'raw/two-content-lengths',
      {
        kind: 'raw',
        bytes: Buffer.from(
          `POST ${STATELESS_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde`,
        ),
      },
      INVALID,
    ],
    [
      'raw/length-and-chunked',
      {
        kind: 'raw',
        bytes: Buffer.from(
          `POST ${STATELESS_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        ),
      },
      INVALID,
    ],
    [
      'raw/chunked',
      {
        kind: 'raw',
        bytes: Buffer.from(
          `POST ${STATELESS_PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n`,
        ),
      },
      [2004],
    ],
    [
      'raw/header-overflow',
      {
        kind: 'raw',
        bytes: Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`),
      },
      INVALID,
    ],
    [
      'raw/bare-lf',
      { kind: 'raw', bytes: Buffer.from(`POST ${STATELESS_PATH} HTTP/1.1\nHost: x\nContent-Length: 0\n\n`) },
      [1200, 2004],
    ],
  ];
  for (const [name, request, expected] of transport) add('transport', name, request, expected);

  // 12. API Gateway events HTTP cannot produce: base64 bodies, missing headers, odd methods.
  const event = (
    overrides: Partial<APIGatewayProxyEvent>,
    body: string | null = `encrypted_image=${valid}`,
  ): EventRequestSpec => ({
    kind: 'event',
    event: {
      ...toApiGatewayEvent({
        method: 'POST',
        url: STATELESS_PATH,
        headers: { 'content-type': FORM },
        requestId: 'fuzz-event',
      }),
      body,
      ...overrides,
    },
  });
  const events: [string, EventRequestSpec, readonly number[]][] = [
    [
      'base64-encoded-body',
      event({ isBase64Encoded: true, body: Buffer.from(`encrypted_image=${valid}`).toString('base64') }),
      [2005],
    ],
    ['base64-flag-on-plain-body', event({ isBase64Encoded: true }), [1200, 2005]],
    ['null-body', event({}, null), [2004]],
    ['empty-string-body', event({}, ''), [2004]],
    ['no-headers', event({ headers: {}, multiValueHeaders: {} }), [2005]],
    [
      'null-headers',
      event({
        headers: null as unknown as APIGatewayProxyEvent['headers'],
        multiValueHeaders: null as unknown as APIGatewayProxyEvent['multiValueHeaders'],
      }),
      [2005],
    ],
    ['lower-case-method', event({ httpMethod: 'post' }), [404, 2005]],
    [
      'upper-case-header-name',
      event(
        { headers: { 'CONTENT-TYPE': 'application/json' }, multiValueHeaders: {} },
        JSON.stringify({ encrypted_image: notImageB64 }),
      ),
      [2005],
    ],
    [
      'odd-request-id',
      event({
        requestContext: { ...event({}).event.requestContext, requestId: `<script>${'x'.repeat(500)}` },
      }),
      [2005],
    ],
    [
      'missing-request-context',
      event({ requestContext: undefined as unknown as APIGatewayProxyEvent['requestContext'] }),
      [2005],
    ],
    ['unknown-resource', event({ path: '/admin', resource: '/admin' }), [404]],
  ];
  for (const [name, request, expected] of events) add('event', name, request, expected);

  // 13. Seeded random mutations up to `cases`.
  const mutationSeeds: Sample[] = [
    ...bases,
    ...variants.filter((v) => ['jpeg-baseline', 'png-rgb8'].includes(v.name)),
  ];
  for (let i = 0; cases.length < options.cases; i++) {
    const roll = random.next();
    if (roll < 0.7) {
      const base = random.pick(mutationSeeds);
      const { name, bytes } = mutateImage(base, random);
      await image('mutate-image', `${i}/${base.name}/${name}`, bytes, IMAGE_CODES);
    } else if (roll < 0.85) {
      const message = await encryptFor(key, random.pick(bases).bytes, { frameLength: 1024 });
      const region = random.pick(messageRegions(message));
      const tampered = flipBits(message, 1 + random.int(3), random, region.start, region.end);
      const expected = region.name === 'header.frame-length' ? [1200, 2004] : INVALID;
      add('mutate-ciphertext', `${i}/${region.name}`, form(tampered.toString('base64')), expected);
    } else {
      const type = random.pick([FORM, 'application/json', `multipart/form-data; boundary=${boundary}`]);
      const template =
        type === FORM
          ? `encrypted_image=${valid}`
          : type === 'application/json'
            ? JSON.stringify({ encrypted_image: notImageB64 })
            : multipart([fieldPart(notImageB64)], boundary).toString('utf8');
      const mutated = flipBits(Buffer.from(template), 1 + random.int(4), random, 0, 80);
      add('mutate-body', `${i}/${type.split(';')[0]}`, post(mutated, type), [1200, 2004, 2005]);
    }
  }
  return cases;
}

/** One random, format-agnostic mutation of an image file. */
function mutateImage(sample: Sample, random: Random): { name: string; bytes: Buffer } {
  const { bytes } = sample;
  const n = bytes.length;
  switch (random.int(7)) {
    case 0: {
      const cut = 1 + random.int(n - 1);
      return { name: `truncate@${cut}`, bytes: truncate(bytes, cut) };
    }
    case 1: {
      const count = 1 + random.int(8);
      return { name: `flip${count}-header`, bytes: flipBits(bytes, count, random, 0, Math.min(n, 128)) };
    }
    case 2: {
      const count = 1 + random.int(32);
      return { name: `flip${count}-anywhere`, bytes: flipBits(bytes, count, random) };
    }
    case 3: {
      const at = random.int(n);
      const length = 1 + random.int(64);
      const out = Buffer.from(bytes);
      out.set(random.bytes(Math.min(length, n - at)), at);
      return { name: `overwrite${length}@${at}`, bytes: out };
    }
    case 4: {
      const at = random.int(n);
      const length = 1 + random.int(256);
      return {
        name: `insert${length}@${at}`,
        bytes: Buffer.concat([bytes.subarray(0, at), Buffer.from(random.bytes(length)), bytes.subarray(at)]),
      };
    }
    case 5: {
      const at = random.int(n);
      const length = 1 + random.int(256);
      return {
        name: `delete${length}@${at}`,
        bytes: Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + length)]),
      };
    }
    default: {
      const patch = dimensionPatcher(sample);
      const w = random.pick([0, 1, 31, 32, 47, 48, 49, 255, 4096, 8192, 8193, 65535]);
      const h = random.pick([0, 1, 31, 32, 47, 48, 49, 255, 4096, 8192, 8193, 65535]);
      const patched = patch?.(bytes, w, h);
      return patched === undefined ? { name: 'identity', bytes } : { name: `dims${w}x${h}`, bytes: patched };
    }
  }
}
