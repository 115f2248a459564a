import { randomBytes } from 'node:crypto';
import { parseBase64 } from '../../../lambda/crypto/index.js';
import { isFaceQualityError } from '../../../lambda/errors.js';

function expectInvalid(text: string): void {
  let caught: unknown;
  try {
    parseBase64(text);
  } catch (e) {
    caught = e;
  }
  expect(isFaceQualityError(caught, 'INVALID_ARGUMENT')).toBe(true);
}

describe('parseBase64', () => {
  // 0xfb 0xff 0xbf encodes to "+/+/" and "-_-_": both special characters of each alphabet.
  const special = Buffer.from([0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf]);

  it('round-trips random bytes of every length mod 3, padded or not', () => {
    for (const length of [1, 2, 3, 100, 101, 102]) {
      const bytes = randomBytes(length);
      const padded = bytes.toString('base64');
      expect(parseBase64(padded)).toEqual(bytes);
      expect(parseBase64(padded.replace(/=+$/, ''))).toEqual(bytes);
    }
  });

  it('accepts the standard and the URL-safe alphabets', () => {
    expect(special.toString('base64')).toBe('+/+/+/+/');
    expect(parseBase64('+/+/+/+/')).toEqual(special);
    expect(parseBase64('-_-_-_-_')).toEqual(special);
    expect(parseBase64('+_-/+_-/')).toEqual(special);
  });

  it('reads spaces as "+", as curl -d without URL-encoding delivers them', () => {
    expect(parseBase64(' / / / /')).toEqual(special);
  });

  it('ignores line breaks, as in MIME-wrapped output', () => {
    const bytes = randomBytes(200);
    const wrapped = (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
    expect(wrapped).toContain('\r\n');
    expect(parseBase64(`${wrapped}\n`)).toEqual(bytes);
  });

  it('returns no bytes for empty text', () => {
    expect(parseBase64('').byteLength).toBe(0);
  });

  it.each([
    ['a character outside both alphabets', 'QUJD*A=='],
    ['a tab', 'QUJD\tQUJD'],
    ['a percent-escape left in', 'QUJD%2BQQ=='],
    ['padding inside the text', 'QQ==QUJD'],
    ['too much padding', 'QUJD===='],
    ['padding that does not complete a quantum', 'QUJDQQ='],
    ['a single dangling character', 'QUJDQ'],
    ['JSON', '{"a":1}'],
  ])('rejects %s', (_label, text) => {
    expectInvalid(text);
  });
});
