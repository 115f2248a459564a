/**
 * Extracts the `encrypted_image` field from a request body. The contract's sample is
 * `curl -d encrypted_image=xxx` (an `application/x-www-form-urlencoded` body); browsers and SDKs also
 * send `multipart/form-data` or JSON, so all three are accepted, whether API Gateway hands the body
 * over as text or base64-encoded (binary media types).
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Busboy } from 'busboy';
import busboy from 'busboy';
import { FaceQualityError } from '../errors.js';
import { requestState, timeStage } from './request-context.js';

/** The form field carrying the encrypted photo (contract "Request parameters"). */
export const ENCRYPTED_IMAGE_FIELD = 'encrypted_image';

/** Most parts accepted in a multipart body: a form with a photo needs one, a few extras are tolerated. */
const MAX_MULTIPART_PARTS = 16;

/** The body as API Gateway (REST, v1 proxy) delivers it. */
export interface RawBody {
  /** `event.body`: text, or base64 when `isBase64Encoded`. */
  readonly body: string | null | undefined;
  /** `event.isBase64Encoded`. */
  readonly isBase64Encoded: boolean | undefined;
  /** The `Content-Type` header, parameters included; undefined when absent. */
  readonly contentType: string | undefined;
}

export interface ParseFormLimits {
  /** Largest accepted body in bytes, as sent by the client (after undoing API Gateway's base64). */
  readonly maxBodyBytes: number;
}

export interface ParsedForm {
  /** The field value as sent, form-decoded but otherwise untouched (may hold spaces for '+'). */
  readonly encryptedImage: string;
  /** Size of the body in bytes, for logs and metrics. */
  readonly bodyBytes: number;
}

/** A media type split into its lowercase essence (`type/subtype`) and its raw header value. */
interface MediaType {
  readonly essence: string;
  readonly header: string;
}

function invalid(message: string): FaceQualityError {
  return new FaceQualityError('INVALID_ARGUMENT', message);
}

/**
 * Parses the request body and returns the single `encrypted_image` value.
 *
 * Accepted content types: `application/x-www-form-urlencoded` (also assumed when the header is
 * absent, as `curl -d` clients and hand-written events often omit it), `multipart/form-data` (a field
 * or a file part named `encrypted_image` whose content is the base64 text) and `application/json`
 * (`{"encrypted_image": "..."}`).
 *
 * In a urlencoded body an unencoded `+` reads as a space (WHATWG URL standard); the value is returned
 * as is and the decryptor's base64 decoder reads spaces back as `+`.
 *
 * @throws FaceQualityError `CONTENT_EMPTY` for an empty body, `CONTENT_TOO_LARGE` for a body over
 *   `limits.maxBodyBytes` bytes, `INVALID_ARGUMENT` for an unsupported content type, a malformed body,
 *   a missing, empty, non-string or repeated `encrypted_image`.
 */
export async function parseForm(raw: RawBody, limits: ParseFormLimits): Promise<ParsedForm> {
  const { body } = raw;
  if (body === null || body === undefined || body === '') {
    throw new FaceQualityError('CONTENT_EMPTY', `Request body is empty; send ${ENCRYPTED_IMAGE_FIELD}`);
  }
  // A text body is read as text: a megabyte-sized body is not copied to bytes and back.
  const bytes = raw.isBase64Encoded === true ? Buffer.from(body, 'base64') : undefined;
  const bodyBytes = bytes?.length ?? Buffer.byteLength(body, 'utf8');
  const text = (): string => bytes?.toString('utf8') ?? body;
  if (bodyBytes === 0) {
    throw new FaceQualityError('CONTENT_EMPTY', `Request body is empty; send ${ENCRYPTED_IMAGE_FIELD}`);
  }
  if (bodyBytes > limits.maxBodyBytes) {
    throw new FaceQualityError(
      'CONTENT_TOO_LARGE',
      `Request body is ${bodyBytes} bytes; at most ${limits.maxBodyBytes} bytes accepted`,
    );
  }
  const mediaType = parseMediaType(raw.contentType);
  let values: readonly unknown[];
  switch (mediaType.essence) {
    case 'application/x-www-form-urlencoded':
      values = urlencodedValues(text(), ENCRYPTED_IMAGE_FIELD);
      break;
    case 'multipart/form-data':
      values = await multipartValues(
        bytes ?? Buffer.from(text(), 'utf8'),
        mediaType.header,
        limits.maxBodyBytes,
      );
      break;
    case 'application/json':
      values = jsonValues(text());
      break;
    default:
      throw invalid(
        `Unsupported Content-Type "${mediaType.essence}"; use application/x-www-form-urlencoded, multipart/form-data or application/json`,
      );
  }
  return { encryptedImage: singleValue(values), bodyBytes };
}

/**
 * Every value of the field `name` in an `application/x-www-form-urlencoded` text, exactly as
 * `new URLSearchParams(text).getAll(name)` (WHATWG URL, "application/x-www-form-urlencoded
 * parsing") returns them, about twice as fast on a megabyte body: Node 20's URLSearchParams
 * decodes character by character in JavaScript, `decodeURIComponent` natively. A sequence that
 * `decodeURIComponent` rejects (a stray `%`, bytes that are not UTF-8), which WHATWG decodes
 * leniently, sends the whole text to URLSearchParams.
 */
export function urlencodedValues(text: string, name: string): string[] {
  const values: string[] = [];
  try {
    for (const pair of text.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const key = eq === -1 ? pair : pair.slice(0, eq);
      if (formDecode(key) !== name) continue;
      values.push(eq === -1 ? '' : formDecode(pair.slice(eq + 1)));
    }
  } catch {
    return new URLSearchParams(text).getAll(name);
  }
  return values;
}

/** `+` to space, then percent-decoding as UTF-8; throws URIError where WHATWG would be lenient. */
function formDecode(s: string): string {
  const spaced = s.includes('+') ? s.replaceAll('+', ' ') : s;
  return spaced.includes('%') ? decodeURIComponent(spaced) : spaced;
}

/** Splits a `Content-Type` header; an absent or blank one counts as urlencoded (see {@link parseForm}). */
function parseMediaType(contentType: string | undefined): MediaType {
  const header = contentType?.trim() ?? '';
  if (header === '') {
    return { essence: 'application/x-www-form-urlencoded', header: 'application/x-www-form-urlencoded' };
  }
  const essence = (header.split(';', 1)[0] ?? '').trim().toLowerCase();
  return { essence, header };
}

function singleValue(values: readonly unknown[]): string {
  if (values.length === 0) throw invalid(`Missing field ${ENCRYPTED_IMAGE_FIELD}`);
  if (values.length > 1)
    throw invalid(`Field ${ENCRYPTED_IMAGE_FIELD} appears ${values.length} times; send it once`);
  const [value] = values;
  if (typeof value !== 'string') throw invalid(`Field ${ENCRYPTED_IMAGE_FIELD} must be a string`);
  if (value.trim() === '') throw invalid(`Field ${ENCRYPTED_IMAGE_FIELD} is empty`);
  return value;
}

/**
 * Every top-level occurrence of the key in a JSON object body. `JSON.parse` silently keeps the last
 * of repeated keys, so repeats are counted on the text: a key in a nested object counts too, which
 * is harmless because the field only belongs at the top level.
 */
function jsonValues(text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid(`JSON body must be an object with a string field ${ENCRYPTED_IMAGE_FIELD}`);
  }
  if (!Object.hasOwn(parsed, ENCRYPTED_IMAGE_FIELD)) return [];
  const value: unknown = Reflect.get(parsed, ENCRYPTED_IMAGE_FIELD);
  const occurrences = text.match(new RegExp(`"${ENCRYPTED_IMAGE_FIELD}"\\s*:`, 'g'))?.length ?? 1;
  return new Array<unknown>(Math.max(1, occurrences)).fill(value);
}

/** The values of every field or file part named `encrypted_image` in a multipart body. */
function multipartValues(bytes: Buffer, contentType: string, maxBodyBytes: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let parser: Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: {
          fieldSize: maxBodyBytes,
          fileSize: maxBodyBytes,
          parts: MAX_MULTIPART_PARTS,
          headerPairs: 64,
        },
      });
    } catch {
      reject(invalid('multipart/form-data body needs a boundary parameter in Content-Type'));
      return;
    }
    const values: string[] = [];
    const fileReads: Promise<void>[] = [];
    let failure: FaceQualityError | undefined;
    parser.on('field', (name, value) => {
      if (name === ENCRYPTED_IMAGE_FIELD) values.push(value);
    });
    const malformed = () => invalid('Malformed multipart/form-data body');
    parser.on('file', (name, stream) => {
      // busboy errors an open file stream when the body ends inside it; an 'error' event without a
      // listener would crash the process.
      if (name !== ENCRYPTED_IMAGE_FIELD) {
        stream.on('error', () => {
          failure ??= malformed();
        });
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      fileReads.push(
        new Promise<void>((done, fail) => {
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', () => fail(malformed()));
          stream.on('end', () => {
            values.push(Buffer.concat(chunks).toString('utf8'));
            done();
          });
        }),
      );
    });
    parser.on('partsLimit', () => {
      failure = invalid(`multipart/form-data body has more than ${MAX_MULTIPART_PARTS} parts`);
    });
    parser.on('error', () => reject(malformed()));
    parser.on('close', () => {
      Promise.all(fileReads).then(() => (failure === undefined ? resolve(values) : reject(failure)), reject);
    });
    parser.end(bytes);
  });
}

/**
 * Middleware over {@link parseForm}: hands `encrypted_image` to the next stage through the request
 * state (stage `parse`). Expects lowercase header names (`@middy/http-header-normalizer` first).
 */
export function parseFormMiddleware(
  limits: ParseFormLimits,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> {
  return {
    name: 'parseForm',
    before: async (request) => {
      const { event } = request;
      const state = requestState(event, request.context);
      const form = await timeStage(state.timingsMs, 'parse', () =>
        parseForm(
          {
            body: event.body,
            isBase64Encoded: event.isBase64Encoded,
            contentType: event.headers?.['content-type'],
          },
          limits,
        ),
      );
      state.bodyBytes = form.bodyBytes;
      state.encryptedImage = form.encryptedImage;
    },
  };
}
