import { describe, expect, it } from '@jest/globals';
import { FaceQualityError } from '../../../lambda/errors.js';
import { parseForm, type RawBody, urlencodedValues } from '../../../lambda/http/parse-form.js';

const LIMITS = { maxBodyBytes: 10_000 };
/** Base64 with every character that a form encoding can mangle: '+', '/', '='. */
const VALUE = 'AYAAF+3x/9k+Qw==';

const URLENCODED = 'application/x-www-form-urlencoded';

function raw(body: string | null | undefined, contentType?: string, isBase64Encoded = false): RawBody {
  return { body, contentType, isBase64Encoded };
}

function multipart(parts: readonly string[], boundary = 'XyZ123'): { body: string; contentType: string } {
  const body = `${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

const field = (name: string, value: string): string =>
  `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`;
const file = (name: string, value: string): string =>
  `Content-Disposition: form-data; name="${name}"; filename="photo.b64"\r\nContent-Type: text/plain\r\n\r\n${value}`;

async function failure(input: RawBody, limits = LIMITS): Promise<FaceQualityError> {
  try {
    await parseForm(input, limits);
  } catch (e) {
    if (e instanceof FaceQualityError) return e;
    throw e;
  }
  throw new Error('parseForm did not throw');
}

describe('parseForm: application/x-www-form-urlencoded', () => {
  it('returns the percent-decoded field', async () => {
    const body = `encrypted_image=${encodeURIComponent(VALUE)}`;
    await expect(parseForm(raw(body, URLENCODED), LIMITS)).resolves.toEqual({
      encryptedImage: VALUE,
      bodyBytes: body.length,
    });
  });

  it("keeps curl -d's unencoded '+' as a space for the decryptor, and '/' and '=' intact", async () => {
    const form = await parseForm(raw(`encrypted_image=${VALUE}`, URLENCODED), LIMITS);
    expect(form.encryptedImage).toBe(VALUE.replaceAll('+', ' '));
  });

  it('ignores other fields and accepts a charset parameter and any header case', async () => {
    const form = await parseForm(
      raw(
        `a=1&encrypted_image=${encodeURIComponent(VALUE)}&b=2`,
        'Application/X-WWW-Form-Urlencoded; charset=UTF-8',
      ),
      LIMITS,
    );
    expect(form.encryptedImage).toBe(VALUE);
  });

  it('treats a body without Content-Type as urlencoded', async () => {
    const form = await parseForm(raw(`encrypted_image=${encodeURIComponent(VALUE)}`, undefined), LIMITS);
    expect(form.encryptedImage).toBe(VALUE);
  });

  it('decodes an API Gateway base64 body', async () => {
    const body = Buffer.from(`encrypted_image=${encodeURIComponent(VALUE)}`).toString('base64');
    const form = await parseForm(raw(body, URLENCODED, true), LIMITS);
    expect(form.encryptedImage).toBe(VALUE);
  });

  it.each([
    ['a missing field', 'other=1'],
    ['an empty field', 'encrypted_image='],
    ['a blank field', 'encrypted_image=%20%20'],
    ['a repeated field', 'encrypted_image=a&encrypted_image=b'],
  ])('rejects %s with INVALID_ARGUMENT', async (_, body) => {
    expect((await failure(raw(body, URLENCODED))).kind).toBe('INVALID_ARGUMENT');
  });
});

describe('urlencodedValues', () => {
  const FIELD = 'encrypted_image';
  const tricky = [
    '',
    '&&&',
    'encrypted_image',
    'encrypted_image=',
    'encrypted_image=a=b=c',
    'encrypted%5Fimage=x',
    'encrypted+image=x&encrypted_image=y',
    'encrypted_image=%zz%2',
    'encrypted_image=%C3%A9t%C3%A9',
    'encrypted_image=%FF%FE',
    'encrypted_image=%ED%A0%80',
    'encrypted_image=a%',
    'x=%E2%82&encrypted_image=ok',
    'encrypted_image=\u00e9+%2B',
    '=encrypted_image&encrypted_image=1&encrypted_image=2',
  ];

  it.each(tricky)('returns what URLSearchParams returns for %j', (text) => {
    expect(urlencodedValues(text, FIELD)).toEqual(new URLSearchParams(text).getAll(FIELD));
  });

  it('returns what URLSearchParams returns on random bodies', () => {
    // A small alphabet makes field names, separators and escapes (valid or not) collide often.
    const alphabet = [
      'encrypted_image',
      '=',
      '&',
      '+',
      '%',
      '%2',
      '%2B',
      '%3D',
      '%C3',
      '%A9',
      'a',
      ' ',
      'é',
      '%E2%82%AC',
    ];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: 1 + next(12) }, () => alphabet[next(alphabet.length)]).join('');
      expect(urlencodedValues(text, FIELD)).toEqual(new URLSearchParams(text).getAll(FIELD));
    }
  });
});

describe('parseForm: multipart/form-data', () => {
  it('reads a field part', async () => {
    const { body, contentType } = multipart([field('other', 'x'), field('encrypted_image', VALUE)]);
    await expect(parseForm(raw(body, contentType), LIMITS)).resolves.toMatchObject({ encryptedImage: VALUE });
  });

  it('reads a file part', async () => {
    const { body, contentType } = multipart([file('encrypted_image', VALUE), file('ignored', 'zzz')]);
    await expect(parseForm(raw(body, contentType), LIMITS)).resolves.toMatchObject({ encryptedImage: VALUE });
  });

  it('decodes an API Gateway base64 body', async () => {
    const { body, contentType } = multipart([field('encrypted_image', VALUE)]);
    const form = await parseForm(raw(Buffer.from(body).toString('base64'), contentType, true), LIMITS);
    expect(form.encryptedImage).toBe(VALUE);
  });

  it('rejects a repeated field, even split between a field and a file part', async () => {
    const { body, contentType } = multipart([
      field('encrypted_image', VALUE),
      file('encrypted_image', VALUE),
    ]);
    const error = await failure(raw(body, contentType));
    expect(error.kind).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/2 times/);
  });

  it('rejects a missing field', async () => {
    const { body, contentType } = multipart([field('other', VALUE)]);
    expect((await failure(raw(body, contentType))).kind).toBe('INVALID_ARGUMENT');
  });

  it('rejects a Content-Type without boundary', async () => {
    const { body } = multipart([field('encrypted_image', VALUE)]);
    expect((await failure(raw(body, 'multipart/form-data'))).kind).toBe('INVALID_ARGUMENT');
  });

  it('rejects a body cut before its closing boundary', async () => {
    const { body, contentType } = multipart([field('encrypted_image', VALUE)]);
    const cut = body.slice(0, body.indexOf(VALUE) + 4);
    expect((await failure(raw(cut, contentType))).kind).toBe('INVALID_ARGUMENT');
  });

  it.each([
    ['the image file part', 'encrypted_image'],
    ['another file part', 'other'],
  ])('rejects a body cut inside %s, without an unhandled stream error', async (_, name) => {
    const { body, contentType } = multipart([file(name, VALUE)]);
    const cut = body.slice(0, body.indexOf(VALUE) + 4);
    expect((await failure(raw(cut, contentType))).kind).toBe('INVALID_ARGUMENT');
  });

  it('rejects too many parts', async () => {
    const parts = Array.from({ length: 40 }, (_, i) => field(`f${i}`, 'x'));
    const { body, contentType } = multipart([...parts, field('encrypted_image', VALUE)]);
    expect((await failure(raw(body, contentType))).message).toMatch(/parts/);
  });
});

describe('parseForm: application/json', () => {
  it('reads the string field', async () => {
    const body = JSON.stringify({ encrypted_image: VALUE, note: 'x' });
    await expect(parseForm(raw(body, 'application/json; charset=utf-8'), LIMITS)).resolves.toMatchObject({
      encryptedImage: VALUE,
    });
  });

  it('decodes an API Gateway base64 body', async () => {
    const body = Buffer.from(JSON.stringify({ encrypted_image: VALUE })).toString('base64');
    await expect(parseForm(raw(body, 'application/json', true), LIMITS)).resolves.toMatchObject({
      encryptedImage: VALUE,
    });
  });

  it.each([
    ['malformed JSON', '{"encrypted_image": '],
    ['an array', `["${VALUE}"]`],
    ['a string', `"${VALUE}"`],
    ['null', 'null'],
    ['a missing field', '{"image": "x"}'],
    ['a number', '{"encrypted_image": 12}'],
    ['an object', '{"encrypted_image": {"a": 1}}'],
    ['an empty string', '{"encrypted_image": ""}'],
    ['a repeated key', `{"encrypted_image": "${VALUE}", "encrypted_image" : "${VALUE}"}`],
  ])('rejects %s with INVALID_ARGUMENT', async (_, body) => {
    expect((await failure(raw(body, 'application/json'))).kind).toBe('INVALID_ARGUMENT');
  });
});

describe('parseForm: body size and content type', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an empty string', ''],
  ])('rejects a body that is %s with CONTENT_EMPTY', async (_, body) => {
    expect((await failure(raw(body, URLENCODED))).kind).toBe('CONTENT_EMPTY');
  });

  it('rejects a body over the limit with CONTENT_TOO_LARGE', async () => {
    const body = `encrypted_image=${'A'.repeat(200)}`;
    const error = await failure(raw(body, URLENCODED), { maxBodyBytes: 100 });
    expect(error.kind).toBe('CONTENT_TOO_LARGE');
  });

  it('measures a base64 body by its decoded size', async () => {
    const plain = `encrypted_image=${'A'.repeat(84)}`;
    const body = Buffer.from(plain).toString('base64');
    expect(body.length).toBeGreaterThan(100);
    await expect(parseForm(raw(body, URLENCODED, true), { maxBodyBytes: 100 })).resolves.toMatchObject({
      bodyBytes: 100,
    });
  });

  it('accepts a body of exactly the limit', async () => {
    const body = `encrypted_image=${'A'.repeat(84)}`;
    await expect(parseForm(raw(body, URLENCODED), { maxBodyBytes: 100 })).resolves.toMatchObject({
      bodyBytes: 100,
    });
  });

  it.each(['text/plain', 'application/octet-stream', 'image/jpeg', 'application/xml'])(
    'rejects Content-Type %s with INVALID_ARGUMENT',
    async (contentType) => {
      const error = await failure(raw(`encrypted_image=${VALUE}`, contentType));
      expect(error.kind).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain(contentType);
    },
  );
});
