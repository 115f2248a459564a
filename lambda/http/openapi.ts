/**
 * The OpenAPI 3.1 description of the API, built from the same constants the code answers with
 * (paths, the error table, the default limits), so the document cannot drift from them. It is
 * written to `openapi.json` at the repository root by `npm run openapi` (a test checks the
 * committed file equals this) and served by the local server at `GET /openapi.json`; the contract
 * tests validate every response they receive against it. Pure data, no I/O.
 */
import { DEFAULT_LIMITS } from '../config.js';
import { ALGORITHM_SUITE, COMMITMENT_POLICY, FRAME_LENGTH_BYTES } from '../crypto/key-info.js';
import type { ErrorKind } from '../errors.js';
import { ERROR_TABLE, INTERNAL_MESSAGE, SUCCESS_CODE } from './error-table.js';
import { ENCRYPTION_KEY_PATH, STATELESS_PATH } from './router.js';

/** Where the local server serves the document. */
export const OPENAPI_PATH = '/openapi.json';

/** Version of the API description (the package version). */
export const API_VERSION = '0.1.0';

/** A JSON value, as the document is made of. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

const code = (kind: ErrorKind): number => ERROR_TABLE[kind].code;

/** A number in [min, max] with a description. */
function bounded(description: string, minimum: number, maximum: number, example: number): JsonObject {
  return { type: 'number', minimum, maximum, description, examples: [example] };
}

/** The README's example answer for `test/fixtures/astronaut.png`. */
const ASTRONAUT_ANSWER: JsonObject = {
  code: SUCCESS_CODE,
  faces: [
    {
      rect: { left: 181, top: 73, right: 264, bottom: 175 },
      pose: { yaw: -0.0884, pitch: -1.0466, roll: 2.464 },
      occlusion: { left_eye: 0.9751, right_eye: 0.9747, nose: 0.9563, mouth: 0.9984, total: 0.9794 },
      distance2center: 0.7411,
      size: 0.0262,
      brightness: 0.3288,
      sharpness: 0.762,
      mouth_open: 0.8643,
      integrity: 1,
    },
  ],
  request_id: '827f5386-1eaf-4be8-af18-5c0cdb6925c9',
};

/** The README's example of the key answer (PEM shortened). */
const KEY_EXAMPLE: JsonObject = {
  public_key_pem: '-----BEGIN PUBLIC KEY-----\nMIIBojANBgkqh…\n-----END PUBLIC KEY-----\n',
  key_namespace: 'face-quality',
  key_name: 'local-sha256-dadc8fdd6b306019ab7a1e9d05347825',
  padding: 'RSA_PKCS1_OAEP_PADDING',
  oaep_hash: 'sha256',
  algorithm_suite: ALGORITHM_SUITE,
  commitment_policy: COMMITMENT_POLICY,
};

const REQUEST_ID_EXAMPLE = '827f5386-1eaf-4be8-af18-5c0cdb6925c9';

function errorExample(errorCode: number, message: string): JsonObject {
  return { value: { code: errorCode, message, request_id: REQUEST_ID_EXAMPLE } };
}

/** An error answer whose `code` is one of `codes`. */
function errorResponse(
  description: string,
  codes: number[],
  examples: Record<string, JsonObject>,
): JsonObject {
  return {
    description,
    headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
    content: {
      'application/json': {
        schema: {
          allOf: [ref('ErrorResponse'), { type: 'object', properties: { code: { enum: codes } } }],
        },
        examples,
      },
    },
  };
}

/** An error answered by API Gateway itself (no `x-request-id` header; the id is in the body). */
function gatewayErrorResponse(description: string, codes: number[], message: string): JsonObject {
  return {
    description,
    content: {
      'application/json': {
        schema: {
          allOf: [ref('ErrorResponse'), { type: 'object', properties: { code: { enum: codes } } }],
        },
        examples: { gateway: errorExample(codes[0] ?? 0, message) },
      },
    },
  };
}

const NOT_FOUND_RESPONSE = errorResponse(
  'Unknown route or method (the contract has no code for it: `code` repeats the status). On AWS, API Gateway answers unknown routes itself, with the same body.',
  [code('NOT_FOUND')],
  { notFound: errorExample(code('NOT_FOUND'), 'Not found: the API serves POST /quality/face/stateless') },
);

/** What API Gateway may answer on any route of a deployed stage. */
const GATEWAY_RESPONSES: JsonObject = {
  '403': gatewayErrorResponse(
    'Deployed API only, answered by API Gateway: missing or invalid `x-api-key` (when the stack requires API keys).',
    [403],
    'missing or invalid API key',
  ),
  '429': gatewayErrorResponse(
    'Deployed API only, answered by API Gateway: throttled or over the usage plan quota.',
    [429],
    'too many requests',
  ),
  '5XX': gatewayErrorResponse(
    'Deployed API only, answered by API Gateway: integration failure or timeout.',
    [code('INTERNAL')],
    INTERNAL_MESSAGE,
  ),
};

const INTERNAL_RESPONSE = errorResponse(
  'Our fault (KMS unavailable or throttled, model failure). The message is always `internal error`.',
  [code('INTERNAL')],
  { internal: errorExample(code('INTERNAL'), INTERNAL_MESSAGE) },
);

/** CORS preflight: answered only when `ALLOWED_ORIGINS` is set, else 404. */
function preflight(path: string): JsonObject {
  return {
    operationId: path === STATELESS_PATH ? 'preflightStateless' : 'preflightEncryptionKey',
    summary: 'CORS preflight',
    description:
      'Answered with 204 and the CORS headers when `ALLOWED_ORIGINS` lists the request’s `Origin` (on AWS, API Gateway answers it); without `ALLOWED_ORIGINS` the route does not exist (404).',
    tags: ['cors'],
    responses: {
      '204': {
        description: 'Preflight accepted.',
        headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
      },
      '404': NOT_FOUND_RESPONSE,
    },
  };
}

const { maxBodyBytes, maxImageBytes, minSidePx, maxSidePx, maxMegapixels, maxFaces } = DEFAULT_LIMITS;

const DESCRIPTION = `A face quality API in the SenseTime SenseID \`POST ${STATELESS_PATH}\` contract: a client encrypts a photo, posts it, and gets back, for every face, its box, head pose, how visible each part is, and how centred, large, bright, sharp, complete and closed-mouthed it is.

**Encryption.** \`encrypted_image\` is the base64 of an AWS Encryption SDK message (commitment policy \`${COMMITMENT_POLICY}\`, algorithm suite \`${ALGORITHM_SUITE}\`, ${FRAME_LENGTH_BYTES}-byte frames recommended) whose data key is wrapped with the SDK's raw RSA keyring (RSA-OAEP with SHA-256 and MGF1-SHA-256) for the public key, key namespace and key name that \`GET ${ENCRYPTION_KEY_PATH}\` returns. Cache that answer; fetch it again when a request answers 1200 after a key rotation.

**Limits** (defaults; each is configurable): request body ≤ ${maxBodyBytes} bytes (\`MAX_BODY_BYTES\`), decrypted image ≤ ${maxImageBytes} bytes (\`MAX_IMAGE_BYTES\`), each side ${minSidePx}..${maxSidePx} px (\`MIN_IMAGE_SIDE_PX\`, \`MAX_IMAGE_SIDE_PX\`), at most ${maxMegapixels} megapixels (\`MAX_IMAGE_MEGAPIXELS\`), at most ${maxFaces} faces returned (\`MAX_FACES\`), largest first.

**Errors** are \`{code, message, request_id}\`:

| code | HTTP | when |
|---|---|---|
| ${code('INVALID_ARGUMENT')} | 400 | missing or empty \`encrypted_image\`, repeated field, malformed body, unsupported content type, not base64, not an Encryption SDK message, a message our keys cannot decrypt |
| ${code('INVALID_IMAGE_SIZE')} | 400 | a side outside ${minSidePx}..${maxSidePx} px or more than ${maxMegapixels} MP (read from the header, before decoding) |
| ${code('CONTENT_TOO_LARGE')} | 413 | body or decrypted image over its limit |
| ${code('CONTENT_EMPTY')} | 400 | empty body or empty decrypted image |
| ${code('LENGTH_REQUIRED')} | 411 | local server only: a POST without \`Content-Length\` |
| ${code('INVALID_IMAGE_TYPE')} | 400 | not an image we decode (JPEG, PNG, WebP, GIF, TIFF, BMP), truncated or corrupt |
| ${code('NO_FACE')} | 400 | no face found |
| ${code('NOT_FOUND')} | 404 | unknown route or method |
| ${code('INTERNAL')} | 500 | our fault; the message is always \`${INTERNAL_MESSAGE}\` |

Every answer carries \`request_id\` in the body; the function's answers also carry it in the \`x-request-id\` header.`;

/**
 * The OpenAPI 3.1 document. Every response schema is closed (`additionalProperties: false`), so a
 * field added to an answer without the document fails the contract tests.
 */
export function buildOpenApiDocument(): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'face-quality',
      version: API_VERSION,
      summary: 'Quality of the faces in an encrypted photo (SenseID /quality/face/stateless contract)',
      description: DESCRIPTION,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'Local server (`npm start`, local development key)' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/prod',
        description: 'A deployed stack (output `ApiBaseUrl`)',
        variables: {
          apiId: { default: 'abcdef1234', description: 'REST API id' },
          region: { default: 'eu-west-1', description: 'AWS region' },
        },
      },
    ],
    tags: [
      { name: 'quality', description: 'The SenseID quality contract' },
      { name: 'keys', description: 'What a client encrypts with' },
      { name: 'cors', description: 'Browser preflights' },
    ],
    paths: {
      [STATELESS_PATH]: {
        post: {
          operationId: 'checkFaceQuality',
          summary: 'Check the quality of every face in an encrypted photo',
          description:
            'The body may be `application/x-www-form-urlencoded` (the contract’s `curl -d encrypted_image=...`), `multipart/form-data` (a field or a file part named `encrypted_image`) or `application/json`; a missing `Content-Type` is read as urlencoded. The standard and the URL-safe base64 alphabets are accepted, with or without padding and line breaks, and `+` turned into a space by an unencoded form is read back as `+`. Deployed, the API may require an `x-api-key` header.',
          tags: ['quality'],
          requestBody: {
            required: true,
            content: {
              'application/x-www-form-urlencoded': {
                schema: ref('StatelessRequest'),
                example: { encrypted_image: 'AgV4…' },
              },
              'multipart/form-data': {
                schema: ref('StatelessRequest'),
                encoding: { encrypted_image: { contentType: 'text/plain, application/octet-stream' } },
              },
              'application/json': { schema: ref('StatelessRequest'), example: { encrypted_image: 'AgV4…' } },
            },
          },
          responses: {
            '200': {
              description: 'The photo was analysed and has at least one face.',
              headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
              content: {
                'application/json': {
                  schema: ref('SuccessResponse'),
                  examples: {
                    astronaut: {
                      summary: '`test/fixtures/astronaut.png`, a 512×512 half-length portrait',
                      value: ASTRONAUT_ANSWER,
                    },
                  },
                },
              },
            },
            '400': errorResponse(
              'The request or the photo is not acceptable, or the photo has no face.',
              [
                code('INVALID_ARGUMENT'),
                code('INVALID_IMAGE_SIZE'),
                code('CONTENT_EMPTY'),
                code('INVALID_IMAGE_TYPE'),
                code('NO_FACE'),
              ],
              {
                invalidArgument: errorExample(code('INVALID_ARGUMENT'), 'encrypted_image is empty'),
                invalidImageSize: errorExample(
                  code('INVALID_IMAGE_SIZE'),
                  `Image is 20x20 px; each side must be between ${minSidePx} and ${maxSidePx} px`,
                ),
                emptyImage: errorExample(code('CONTENT_EMPTY'), 'The decrypted image is empty'),
                invalidImageType: errorExample(
                  code('INVALID_IMAGE_TYPE'),
                  'Unsupported image type; expected JPEG, PNG, WebP, GIF, TIFF or BMP',
                ),
                noFace: errorExample(code('NO_FACE'), 'No face detected in the image'),
              },
            ),
            '404': NOT_FOUND_RESPONSE,
            '411': errorResponse(
              'Local server only: a POST without `Content-Length` (e.g. a chunked upload).',
              [code('LENGTH_REQUIRED')],
              {
                lengthRequired: errorExample(
                  code('LENGTH_REQUIRED'),
                  'Content-Length is required (chunked uploads are not accepted)',
                ),
              },
            ),
            '413': errorResponse(
              `The body is over \`MAX_BODY_BYTES\` (default ${maxBodyBytes}) or the decrypted image over \`MAX_IMAGE_BYTES\` (default ${maxImageBytes}). A deployed API answers bodies over API Gateway's 10 MB itself, without \`x-request-id\`.`,
              [code('CONTENT_TOO_LARGE')],
              {
                imageTooLarge: errorExample(
                  code('CONTENT_TOO_LARGE'),
                  `The decrypted image is larger than the limit of ${maxImageBytes} bytes`,
                ),
              },
            ),
            '500': INTERNAL_RESPONSE,
            ...GATEWAY_RESPONSES,
          },
        },
        options: preflight(STATELESS_PATH),
      },
      [ENCRYPTION_KEY_PATH]: {
        get: {
          operationId: 'getEncryptionKey',
          summary: 'The RSA public key and keyring parameters clients encrypt with',
          description:
            'Locally the key name is derived from the local key pair; on AWS it is the KMS key ARN. Only the current key is published; replaced keys keep decrypting during a rotation.',
          tags: ['keys'],
          responses: {
            '200': {
              description: 'The current public key.',
              headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
              content: {
                'application/json': {
                  schema: ref('EncryptionKeyInfo'),
                  examples: { local: { summary: 'The local development key', value: KEY_EXAMPLE } },
                },
              },
            },
            '404': errorResponse(
              'Unknown method, or no RSA key is configured (only symmetric KMS keys, for server-side callers).',
              [code('NOT_FOUND')],
              {
                notFound: errorExample(
                  code('NOT_FOUND'),
                  'This deployment accepts only KMS symmetric encryption; it publishes no public key',
                ),
              },
            ),
            '500': INTERNAL_RESPONSE,
            ...GATEWAY_RESPONSES,
          },
        },
        options: preflight(ENCRYPTION_KEY_PATH),
      },
    },
    components: {
      headers: {
        RequestId: {
          description:
            'The request id, equal to the body’s `request_id` (the API Gateway request id; a UUID locally).',
          schema: { type: 'string' },
        },
      },
      schemas: {
        StatelessRequest: {
          type: 'object',
          required: ['encrypted_image'],
          properties: {
            encrypted_image: {
              type: 'string',
              minLength: 1,
              description:
                'Base64 of an AWS Encryption SDK message holding the photo (JPEG, PNG, WebP, GIF, TIFF or BMP), encrypted for the key of `GET /quality/face/encryption-key`.',
            },
          },
        },
        Rect: {
          type: 'object',
          description:
            'The detector’s face box in pixels of the upright image (EXIF orientation applied), origin top-left, rounded to integers and clamped to the image.',
          required: ['left', 'top', 'right', 'bottom'],
          additionalProperties: false,
          properties: {
            left: { type: 'integer', minimum: 0, description: 'x of the left edge, px' },
            top: { type: 'integer', minimum: 0, description: 'y of the top edge, px' },
            right: { type: 'integer', minimum: 0, description: 'x of the right edge, px' },
            bottom: { type: 'integer', minimum: 0, description: 'y of the bottom edge, px' },
          },
        },
        Pose: {
          type: 'object',
          description: 'Head pose in degrees, AFLW2000-3D convention; 0, 0, 0 is frontal and upright.',
          required: ['yaw', 'pitch', 'roll'],
          additionalProperties: false,
          properties: {
            yaw: bounded(
              'Degrees, > 0 when the face turns toward the image’s left (the subject’s right).',
              -90,
              90,
              -0.0884,
            ),
            pitch: bounded('Degrees, > 0 chin up.', -180, 180, -1.0466),
            roll: bounded(
              'Degrees, > 0 when the face is rotated clockwise as the viewer sees it.',
              -180,
              180,
              2.464,
            ),
          },
        },
        Occlusion: {
          type: 'object',
          description:
            'Visible fraction of each part, judged per pixel inside a polygon around it; what lies outside the image counts as not visible. 1 = not occluded.',
          required: ['left_eye', 'right_eye', 'nose', 'mouth', 'total'],
          additionalProperties: false,
          properties: {
            left_eye: bounded(
              'The subject’s own left eye (the one on the image’s right); 1 = not occluded.',
              0,
              1,
              0.9751,
            ),
            right_eye: bounded('The subject’s own right eye; 1 = not occluded.', 0, 1, 0.9747),
            nose: bounded('The nose; 1 = not occluded.', 0, 1, 0.9563),
            mouth: bounded('The mouth; 1 = not occluded.', 0, 1, 0.9984),
            total: bounded('Area-weighted visibility of the four parts.', 0, 1, 0.9794),
          },
        },
        Face: {
          type: 'object',
          description:
            'One face. "Five features" is the convex hull of the 68 facial landmarks (jaw, brows, eyes, nose, mouth). Floats have 4 decimals.',
          required: [
            'rect',
            'pose',
            'occlusion',
            'distance2center',
            'size',
            'brightness',
            'sharpness',
            'mouth_open',
            'integrity',
          ],
          additionalProperties: false,
          properties: {
            rect: ref('Rect'),
            pose: ref('Pose'),
            occlusion: ref('Occlusion'),
            distance2center: bounded(
              '`max(1 − |centre of five features − image centre| / short side of the image, 0)`; 1 = centred.',
              0,
              1,
              0.7411,
            ),
            size: bounded('Area of the five features inside the image / image area.', 0, 1, 0.0262),
            brightness: bounded(
              'Mean Rec. 601 luma of the face’s skin, linear through luma 16 → −1, 128 → 0 (well exposed), 240 → +1.',
              -1,
              1,
              0.3288,
            ),
            sharpness: bounded(
              'No-reference re-blur metric (Crête et al., 2007) on the inner face at a fixed eye distance; 1 = sharp.',
              0,
              1,
              0.762,
            ),
            mouth_open: bounded(
              '1 = closed: inner-lip gap / mouth width, smooth between ratio 0.05 → 1 and 0.45 → 0.',
              0,
              1,
              0.8643,
            ),
            integrity: bounded(
              'Area of the five features inside the image / whole five-features area (½ when half the face is cut off).',
              0,
              1,
              1,
            ),
          },
        },
        SuccessResponse: {
          type: 'object',
          description: 'The contract’s normal response.',
          required: ['code', 'faces', 'request_id'],
          additionalProperties: false,
          properties: {
            code: { const: SUCCESS_CODE, description: 'Always 1000 on success.' },
            faces: {
              type: 'array',
              minItems: 1,
              maxItems: maxFaces,
              items: ref('Face'),
              description: `Faces sorted by area, largest first, at most \`MAX_FACES\` (default ${maxFaces}).`,
            },
            request_id: { type: 'string', minLength: 1, description: 'The id of this request.' },
          },
        },
        ErrorResponse: {
          type: 'object',
          description: 'The contract’s abnormal response.',
          required: ['code', 'message', 'request_id'],
          additionalProperties: false,
          properties: {
            code: {
              type: 'integer',
              description: 'Contract code, or the HTTP status where the contract has none.',
            },
            message: { type: 'string', description: 'What went wrong, safe to show a user.' },
            request_id: { type: 'string', minLength: 1, description: 'The id of this request.' },
          },
        },
        EncryptionKeyInfo: {
          type: 'object',
          description: 'Everything a client needs to build the Encryption SDK’s raw RSA keyring.',
          required: [
            'public_key_pem',
            'key_namespace',
            'key_name',
            'padding',
            'oaep_hash',
            'algorithm_suite',
            'commitment_policy',
          ],
          additionalProperties: false,
          properties: {
            public_key_pem: {
              type: 'string',
              pattern: '^-----BEGIN PUBLIC KEY-----',
              description: 'RSA public key, PEM (SubjectPublicKeyInfo).',
            },
            key_namespace: {
              type: 'string',
              minLength: 1,
              description: 'The raw RSA keyring’s key namespace.',
            },
            key_name: {
              type: 'string',
              minLength: 1,
              description: 'The raw RSA keyring’s key name: use it verbatim (the KMS key ARN on AWS).',
            },
            padding: { const: 'RSA_PKCS1_OAEP_PADDING', description: 'RSA-OAEP.' },
            oaep_hash: { const: 'sha256', description: 'Hash of the OAEP padding and of its MGF1.' },
            algorithm_suite: { const: ALGORITHM_SUITE, description: 'Encryption SDK algorithm suite.' },
            commitment_policy: { const: COMMITMENT_POLICY, description: 'Encryption SDK commitment policy.' },
          },
        },
      },
    },
  };
}
