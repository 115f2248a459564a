/**
 * Contract of POST /quality/face/stateless (quality-face-stateless.txt) through the REAL local
 * server: real HTTP, real models, the local key pair. One server and one engine for the file.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EncryptionKeyInfo } from '../../lambda/crypto/index.js';
import { ensureLocalKeyPair, rsaKeyInfo } from '../../lambda/crypto/index.js';
import type { RunningServer } from '../../lambda/local/server.js';
import { startServer } from '../../lambda/local/server.js';
import { redirectJsonLines } from '../../lambda/observability/output.js';
import { readFixture } from '../helpers/fixtures.js';
import {
  type Answer,
  encrypt,
  fetchKey,
  getJson,
  greyPng,
  KEY,
  noise,
  pngWithHeaderSize,
  post,
  postForm,
  removeDir,
  STATELESS,
  tempDir,
  testConfig,
} from './support.js';

/** Every log and metric line the server and the handler write (Powertools writes to stdout/stderr). */
const logLines: string[] = [];
let stopCapture: () => void = () => undefined;
let server: RunningServer;
let url: string;
let key: EncryptionKeyInfo;
let keyDir: string;
let otherKeyDir: string;
/** Encrypted astronaut.png (one face), its plaintext's base64, and the successful answer. */
let astronautEncrypted: string;
let astronautPlainBase64: string;
let astronautAnswer: Answer;

beforeAll(async () => {
  stopCapture = redirectJsonLines((line) => logLines.push(line));
  keyDir = await tempDir('contract-keys');
  otherKeyDir = await tempDir('contract-other-keys');
  server = await startServer({ port: 0, config: testConfig(keyDir) });
  url = `${server.url}${STATELESS}`;
  key = await fetchKey(server.url);
  const astronaut = await readFixture('astronaut.png');
  astronautPlainBase64 = astronaut.toString('base64');
  astronautEncrypted = await encrypt(astronaut, key);
  astronautAnswer = await postForm(url, astronautEncrypted);
});

afterAll(async () => {
  stopCapture();
  await server.close();
  await removeDir(keyDir);
  await removeDir(otherKeyDir);
});

/** Expects the contract's abnormal response with `code` and HTTP `status`. */
function expectError(answer: Answer, status: number, code: number): void {
  expect({ status: answer.status, code: answer.json.code }).toEqual({ status, code });
  expect(Object.keys(answer.json).sort()).toEqual(['code', 'message', 'request_id']);
  expect(typeof answer.json.message).toBe('string');
  expect(answer.json.request_id).toBe(answer.headers.get('x-request-id'));
  expect(answer.headers.get('content-type')).toBe('application/json');
}

describe('GET /quality/face/encryption-key', () => {
  it('serves the RSA public key and keyring parameters', async () => {
    const answer = await getJson(`${server.url}${KEY}`);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ padding: 'RSA_PKCS1_OAEP_PADDING', oaep_hash: 'sha256' });
    expect(String(answer.json.public_key_pem)).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(answer.text).not.toMatch(/PRIVATE/);
    expect(answer.headers.get('x-request-id')).toBeTruthy();
  });
});

describe('normal response (code 1000)', () => {
  it('answers 200 with every field of every face in range', () => {
    const { status, json, headers } = astronautAnswer;
    expect(status).toBe(200);
    expect(Object.keys(json).sort()).toEqual(['code', 'faces', 'request_id']);
    expect(json.code).toBe(1000);
    expect(json.request_id).toBe(headers.get('x-request-id'));
    expect(headers.get('content-type')).toBe('application/json');
    const faces = json.faces as Record<string, unknown>[];
    expect(faces.length).toBeGreaterThanOrEqual(1);
    for (const face of faces) {
      expect(Object.keys(face).sort()).toEqual(
        [
          'brightness',
          'distance2center',
          'integrity',
          'mouth_open',
          'occlusion',
          'pose',
          'rect',
          'sharpness',
          'size',
        ].sort(),
      );
      const rect = face.rect as Record<string, number>;
      for (const side of ['left', 'top', 'right', 'bottom']) expect(Number.isInteger(rect[side])).toBe(true);
      expect(rect.left).toBeGreaterThanOrEqual(0);
      expect(rect.top).toBeGreaterThanOrEqual(0);
      expect(rect.right).toBeGreaterThan(rect.left ?? 0);
      expect(rect.bottom).toBeGreaterThan(rect.top ?? 0);
      expect(rect.right).toBeLessThanOrEqual(512);
      expect(rect.bottom).toBeLessThanOrEqual(512);
      const pose = face.pose as Record<string, number>;
      for (const angle of ['yaw', 'pitch', 'roll']) {
        expect(pose[angle]).toBeGreaterThanOrEqual(-180);
        expect(pose[angle]).toBeLessThanOrEqual(180);
      }
      const occlusion = face.occlusion as Record<string, number>;
      for (const part of ['left_eye', 'right_eye', 'nose', 'mouth', 'total']) {
        expect(occlusion[part]).toBeGreaterThanOrEqual(0);
        expect(occlusion[part]).toBeLessThanOrEqual(1);
      }
      for (const unit of ['distance2center', 'size', 'sharpness', 'mouth_open', 'integrity']) {
        expect(face[unit]).toBeGreaterThanOrEqual(0);
        expect(face[unit]).toBeLessThanOrEqual(1);
      }
      expect(face.brightness).toBeGreaterThanOrEqual(-1);
      expect(face.brightness).toBeLessThanOrEqual(1);
    }
    const areas = faces.map((f) => {
      const r = f.rect as Record<string, number>;
      return ((r.right ?? 0) - (r.left ?? 0)) * ((r.bottom ?? 0) - (r.top ?? 0));
    });
    expect(areas).toEqual([...areas].sort((a, b) => b - a));
  });

  it("accepts curl -d's unencoded body, where every '+' of the base64 arrives as a space", async () => {
    expect(astronautEncrypted).toContain('+');
    const answer = await post(
      url,
      `encrypted_image=${astronautEncrypted}`,
      'application/x-www-form-urlencoded',
    );
    expect(answer.status).toBe(200);
    expect(answer.json.faces).toEqual(astronautAnswer.json.faces);
  });

  it('accepts multipart/form-data (a file part) and JSON', async () => {
    const boundary = 'contract-boundary';
    const multipart =
      `--${boundary}\r\nContent-Disposition: form-data; name="encrypted_image"; filename="photo.enc"\r\n` +
      `Content-Type: text/plain\r\n\r\n${astronautEncrypted}\r\n--${boundary}--\r\n`;
    const fromMultipart = await post(url, multipart, `multipart/form-data; boundary=${boundary}`);
    const fromJson = await post(
      url,
      JSON.stringify({ encrypted_image: astronautEncrypted }),
      'application/json',
    );
    for (const answer of [fromMultipart, fromJson]) {
      expect(answer.status).toBe(200);
      expect(answer.json.faces).toEqual(astronautAnswer.json.faces);
    }
  });

  it('gives every request its own id', async () => {
    const again = await postForm(url, 'not base64 !');
    expect(again.json.request_id).not.toBe(astronautAnswer.json.request_id);
  });
});

describe('abnormal responses: every row of the code table', () => {
  it('1200 for a missing field', async () => {
    expectError(await post(url, 'image=abc', 'application/x-www-form-urlencoded'), 400, 1200);
  });

  it('1200 for an unsupported content type', async () => {
    expectError(await post(url, `encrypted_image=${astronautEncrypted}`, 'text/plain'), 400, 1200);
  });

  it('1200 for a value that is not base64', async () => {
    expectError(await postForm(url, 'this is not base64 !'), 400, 1200);
  });

  it('1200 for base64 that is not an Encryption SDK message', async () => {
    expectError(await postForm(url, noise(2048).toString('base64')), 400, 1200);
  });

  it('1200 for a message encrypted for another key', async () => {
    const pair = await ensureLocalKeyPair(otherKeyDir);
    const otherKey = rsaKeyInfo(pair.publicKeyPem, key.key_namespace, pair.keyName);
    expectError(await postForm(url, await encrypt(await greyPng(64, 64), otherKey)), 400, 1200);
  });

  it('2003 for an image smaller than the minimum side (16×16 PNG)', async () => {
    expectError(await postForm(url, await encrypt(await greyPng(16, 16), key)), 400, 2003);
  });

  it('2003 for a header announcing too many pixels, refused before decoding', async () => {
    expectError(await postForm(url, await encrypt(pngWithHeaderSize(8000, 8000), key)), 400, 2003);
  });

  it('2004 (400) for an empty body', async () => {
    expectError(await post(url, '', 'application/x-www-form-urlencoded'), 400, 2004);
  });

  it('2005 for encrypted bytes that are no image', async () => {
    expectError(await postForm(url, await encrypt(noise(4096), key)), 400, 2005);
  });

  it('4000 for a photo without a face', async () => {
    const coffee = await readFixture('no-face-coffee.png');
    expectError(await postForm(url, await encrypt(coffee, key)), 400, 4000);
  });

  it('404 for an unknown route and for a wrong method', async () => {
    expectError(
      await post(`${server.url}/quality/face/unknown`, 'a=b', 'application/x-www-form-urlencoded'),
      404,
      404,
    );
    expectError(await getJson(url), 404, 404);
    expectError(await getJson(`${server.url}${KEY}`, { method: 'DELETE' }), 404, 404);
  });
});

describe('robustness', () => {
  it('never answers 500 to client input', async () => {
    const ciphertext = Buffer.from(astronautEncrypted, 'base64');
    const flipped = Buffer.from(ciphertext);
    flipped[Math.floor(flipped.length / 2)] = (flipped[Math.floor(flipped.length / 2)] ?? 0) ^ 0xff;
    const inputs: [string, string][] = [
      [
        `encrypted_image=${encodeURIComponent(ciphertext.subarray(0, ciphertext.length >> 1).toString('base64'))}`,
        'application/x-www-form-urlencoded',
      ],
      [
        `encrypted_image=${encodeURIComponent(flipped.toString('base64'))}`,
        'application/x-www-form-urlencoded',
      ],
      [
        `encrypted_image=${encodeURIComponent(ciphertext.subarray(0, 200).toString('base64'))}`,
        'application/x-www-form-urlencoded',
      ],
      ['encrypted_image=%%%%&&&===', 'application/x-www-form-urlencoded'],
      ['encrypted_image=ab=cd', 'application/x-www-form-urlencoded'],
      ['encrypted_image=a&encrypted_image=b', 'application/x-www-form-urlencoded'],
      ['{"encrypted_image": ["a"]}', 'application/json'],
      ['{"encrypted_image": "', 'application/json'],
      [
        '--x\r\nContent-Disposition: form-data; name="encrypted_image"\r\n\r\nAAAA',
        'multipart/form-data; boundary=x',
      ],
      [
        '--x\r\nContent-Disposition: form-data; name="encrypted_image"; filename="x"\r\n\r\nAAAA',
        'multipart/form-data; boundary=x',
      ],
      ['\u0000\u0001\u0002', 'application/octet-stream'],
      ['encrypted_image=AAAA', 'multipart/form-data'],
      [`encrypted_image=${'A'.repeat(4096)}`, 'application/x-www-form-urlencoded'],
    ];
    for (const [body, contentType] of inputs) {
      const answer = await post(url, body, contentType);
      expect({ body: body.slice(0, 40), status: answer.status }).toEqual({
        body: body.slice(0, 40),
        status: 400,
      });
      expect(answer.json.code).toBe(1200);
    }
  });
});

describe('logs', () => {
  it('log every request by id with codes and timings, and never the field, the photo or the key', async () => {
    const { privateKeyPem } = await ensureLocalKeyPair(keyDir);
    const records = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const success = records.find((r) => r.request_id === astronautAnswer.json.request_id);
    const faces = astronautAnswer.json.faces as unknown[];
    expect(success).toMatchObject({ status: 200, code: 1000, face_count: faces.length });
    expect(Object.keys(success?.timings_ms ?? {})).toEqual([
      'parse',
      'decrypt',
      'decode',
      'analyze',
      'resize',
      'detect',
      'regions',
      'verify',
      'landmarks',
      'measures',
    ]);
    const all = logLines.join('\n');
    // 48-character windows taken along the ciphertext, the plaintext and the private key.
    const probes = (text: string): string[] =>
      Array.from({ length: 8 }, (_, i) =>
        text.slice(Math.floor((i * text.length) / 8), Math.floor((i * text.length) / 8) + 48),
      );
    const privateKeyBody = privateKeyPem.replace(/-----[A-Z ]+-----|\s/g, '');
    for (const probe of [
      ...probes(astronautEncrypted),
      ...probes(astronautPlainBase64),
      ...probes(privateKeyBody),
    ]) {
      expect(all).not.toContain(probe);
      expect(all).not.toContain(probe.replaceAll('+', ' '));
    }
    expect(all).not.toMatch(/PRIVATE KEY|PUBLIC KEY/);
  });
});
