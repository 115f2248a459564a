/**
 * Helpers of the contract tests: a client that talks to the local server over real HTTP the way
 * API clients do, and crafted inputs for the error rows.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import type { AppConfig } from '../../lambda/config.js';
import { loadConfig } from '../../lambda/config.js';
import type { EncryptionKeyInfo } from '../../lambda/crypto/index.js';
import { encryptImage } from '../../lambda/crypto/index.js';
import { createResponseValidator, type ResponseValidator } from '../helpers/openapi.js';

export const STATELESS = '/quality/face/stateless';
export const KEY = '/quality/face/encryption-key';

/** A fresh, empty folder under the OS temp dir. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `face-quality-${prefix}-`));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** The app configuration of a test server: local keys in `keyDir`, `env` on top. */
export function testConfig(keyDir: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({ KEY_SOURCE: 'local', LOCAL_KEY_DIR: keyDir, LOG_LEVEL: 'info', ...env });
}

/** An answer, body parsed when it is JSON. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

let validator: ResponseValidator | undefined;

/**
 * Checks an answer against the committed OpenAPI document (`openapi.json`) and throws when it is
 * not documented there: every answer of the contract tests passes through here, so the code and
 * the document cannot drift apart.
 */
export function expectDocumented(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  body: string,
): void {
  validator ??= createResponseValidator();
  validator.check({ method, path: new URL(url).pathname, status, contentType, body });
}

async function answer(response: Response, method: string): Promise<Answer> {
  const text = await response.text();
  expectDocumented(method, response.url, response.status, response.headers.get('content-type'), text);
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: tests look at `text`.
  }
  return { status: response.status, headers: response.headers, text, json };
}

export async function getJson(url: string, init?: RequestInit): Promise<Answer> {
  return answer(await fetch(url, init), init?.method ?? 'GET');
}

/** POSTs `body` with `contentType`. */
export async function post(url: string, body: string | Uint8Array, contentType: string): Promise<Answer> {
  return answer(await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body }), 'POST');
}

/** POSTs `encrypted_image` properly URL-encoded. */
export function postForm(url: string, encryptedImage: string): Promise<Answer> {
  return post(
    url,
    `encrypted_image=${encodeURIComponent(encryptedImage)}`,
    'application/x-www-form-urlencoded',
  );
}

/** The server's public key info. */
export async function fetchKey(baseUrl: string): Promise<EncryptionKeyInfo> {
  const response = await fetch(`${baseUrl}${KEY}`);
  if (!response.ok) throw new Error(`key endpoint answered ${response.status}`);
  return (await response.json()) as EncryptionKeyInfo;
}

export function encrypt(bytes: Uint8Array, key: EncryptionKeyInfo): Promise<string> {
  return encryptImage(bytes, key);
}

/** A `widthPx × heightPx` mid-grey PNG. */
export function greyPng(widthPx: number, heightPx: number): Promise<Buffer> {
  return sharp({
    create: { width: widthPx, height: heightPx, channels: 3, background: { r: 128, g: 128, b: 128 } },
  })
    .png()
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A small PNG whose header claims `widthPx × heightPx` (valid signature and CRCs, one tiny IDAT):
 * a decompression bomb's header, to be refused before any pixel is decoded.
 */
export function pngWithHeaderSize(widthPx: number, heightPx: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(widthPx, 0);
  ihdr.writeUInt32BE(heightPx, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Random bytes (no image signature). */
export function noise(sizeBytes: number): Buffer {
  return randomBytes(sizeBytes);
}

/** A raw HTTP exchange, for what fetch cannot send (chunked bodies, `Expect: 100-continue`). */
export function rawRequest(
  url: string,
  options: {
    method: string;
    headers: Record<string, string>;
    chunks: readonly Buffer[];
    waitForContinue?: boolean;
  },
): Promise<{ status: number; text: string; continued: boolean }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = httpRequest(url, { method: options.method, headers: options.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        try {
          expectDocumented(
            options.method,
            url,
            res.statusCode ?? 0,
            res.headers['content-type'] ?? null,
            text,
          );
        } catch (e) {
          reject(e);
          req.destroy();
          return;
        }
        resolve({ status: res.statusCode ?? 0, text, continued });
        // A refused upload is never sent: drop the half-open request.
        req.destroy();
      });
    });
    req.on('error', reject);
    const send = (): void => {
      for (const chunk of options.chunks) req.write(chunk);
      req.end();
    };
    if (options.waitForContinue === true) {
      req.on('continue', () => {
        continued = true;
        send();
      });
      req.flushHeaders();
    } else {
      send();
    }
  });
}
