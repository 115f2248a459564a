/**
 * A small browser client of the face-quality API (an ES module, no framework): it fetches the
 * public key, encrypts a photo with the AWS Encryption SDK for JavaScript in the browser
 * (`@aws-crypto/client-browser`, raw RSA keyring over WebCrypto: RSA-OAEP with SHA-256), posts it
 * and returns the typed answer. The wire format is openapi.json's.
 *
 * WebCrypto only exists in secure contexts: an https page, or http on localhost / 127.0.0.1.
 */
import {
  buildClient,
  CommitmentPolicy,
  RawRsaKeyringWebCrypto,
  RsaPadding,
} from '@aws-crypto/client-browser';
import type { FaceQuality } from '../lambda/engine/types.js';

export type { FaceQuality, Occlusion, Pose, Rect } from '../lambda/engine/types.js';

/** `GET /quality/face/encryption-key` (openapi.json `EncryptionKeyInfo`). */
export interface EncryptionKeyInfo {
  readonly public_key_pem: string;
  readonly key_namespace: string;
  readonly key_name: string;
  readonly padding: 'RSA_PKCS1_OAEP_PADDING';
  readonly oaep_hash: 'sha256';
  readonly algorithm_suite: string;
  readonly commitment_policy: string;
}

/** The contract's normal response (`SuccessResponse`). */
export interface QualitySuccess {
  readonly code: 1000;
  readonly faces: readonly FaceQuality[];
  readonly request_id: string;
}

/** The contract's abnormal response (`ErrorResponse`). */
export interface QualityFailure {
  readonly code: number;
  readonly message: string;
  readonly request_id: string;
}

/** What {@link FaceQualityClient.check} resolves to: the HTTP status and the parsed answer. */
export type QualityAnswer =
  | { readonly ok: true; readonly status: number; readonly body: QualitySuccess }
  | { readonly ok: false; readonly status: number; readonly body: QualityFailure };

export interface ClientOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:3000` or a stage URL ending in `/prod`; '' = this page's origin. */
  readonly apiUrl: string;
  /** Sent as `x-api-key` when the deployment requires API keys. */
  readonly apiKey?: string;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
}

export interface FaceQualityClient {
  /** The key to encrypt with (fetched once; {@link FaceQualityClient.check} refetches after a 1200). */
  encryptionKey(): Promise<EncryptionKeyInfo>;
  /** `encrypted_image` for `photo`: base64 of an Encryption SDK message for the API's key. */
  encrypt(photo: Uint8Array): Promise<string>;
  /** Encrypts `photo`, posts it to `POST /quality/face/stateless` and returns the answer. */
  check(photo: Uint8Array): Promise<QualityAnswer>;
}

/** Thrown when the API cannot be reached or answers something that is not the contract's JSON. */
export class ApiUnreachableError extends Error {
  override readonly name = 'ApiUnreachableError';
}

/** Frame length the server is tuned for (64 KiB frames decrypt ~4× faster than the default 4 KiB). */
export const FRAME_LENGTH_BYTES = 64 * 1024;

const STATELESS_PATH = '/quality/face/stateless';
const ENCRYPTION_KEY_PATH = '/quality/face/encryption-key';
/** The contract's "invalid argument": also what a message for a rotated-out key answers. */
const INVALID_ARGUMENT_CODE = 1200;

const { encrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/** The DER bytes of a PEM block. */
export function pemToDer(pem: string): Uint8Array {
  const base64 = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  const binary = atob(base64);
  const der = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) der[i] = binary.charCodeAt(i);
  return der;
}

/** Standard base64 of `bytes`, in chunks (a spread of megabytes would overflow the call stack). */
export function toBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000;
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** `base` without trailing slashes, joined with `path`. */
function join(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/** Encrypts `photo` for `key` with the raw RSA keyring the key answer describes. */
export async function encryptForKey(photo: Uint8Array, key: EncryptionKeyInfo): Promise<string> {
  if (key.padding !== 'RSA_PKCS1_OAEP_PADDING' || key.oaep_hash !== 'sha256') {
    throw new Error(`unsupported key parameters ${key.padding}/${key.oaep_hash}`);
  }
  const publicKey = await RawRsaKeyringWebCrypto.importPublicKey({
    format: 'spki',
    key: pemToDer(key.public_key_pem),
    padding: RsaPadding.OAEP_SHA256_MFG1,
  });
  const keyring = new RawRsaKeyringWebCrypto({
    keyNamespace: key.key_namespace,
    keyName: key.key_name,
    publicKey,
  });
  const { result } = await encrypt(keyring, photo, { frameLength: FRAME_LENGTH_BYTES });
  return toBase64(result);
}

/** A client of the API at `options.apiUrl`. */
export function createClient(options: ClientOptions): FaceQualityClient {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const headers = (extra: Record<string, string> = {}): Record<string, string> =>
    options.apiKey ? { ...extra, 'x-api-key': options.apiKey } : extra;
  let cachedKey: Promise<EncryptionKeyInfo> | undefined;

  const fetchJson = async (path: string, init: RequestInit): Promise<{ status: number; body: unknown }> => {
    let response: Response;
    try {
      response = await doFetch(join(options.apiUrl, path), init);
    } catch (e) {
      throw new ApiUnreachableError(
        `cannot reach ${join(options.apiUrl, path)} (${e instanceof Error ? e.message : String(e)}); check the API URL, and that the API allows this page's origin (ALLOWED_ORIGINS)`,
      );
    }
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) as unknown };
    } catch {
      throw new ApiUnreachableError(`${path} answered HTTP ${response.status} with a body that is not JSON`);
    }
  };

  const encryptionKey = (): Promise<EncryptionKeyInfo> => {
    cachedKey ??= fetchJson(ENCRYPTION_KEY_PATH, { headers: headers() }).then(({ status, body }) => {
      if (status !== 200) {
        const message = (body as Partial<QualityFailure>).message ?? '';
        throw new ApiUnreachableError(`the encryption key answered HTTP ${status} ${message}`.trim());
      }
      return body as EncryptionKeyInfo;
    });
    cachedKey.catch(() => {
      cachedKey = undefined;
    });
    return cachedKey;
  };

  const encryptPhoto = async (photo: Uint8Array): Promise<string> =>
    encryptForKey(photo, await encryptionKey());

  const post = async (photo: Uint8Array): Promise<QualityAnswer> => {
    const { status, body } = await fetchJson(STATELESS_PATH, {
      method: 'POST',
      headers: headers({ 'content-type': 'application/json' }),
      body: JSON.stringify({ encrypted_image: await encryptPhoto(photo) }),
    });
    return status === 200
      ? { ok: true, status, body: body as QualitySuccess }
      : { ok: false, status, body: body as QualityFailure };
  };

  return {
    encryptionKey,
    encrypt: encryptPhoto,
    async check(photo) {
      const answer = await post(photo);
      if (answer.ok || answer.body.code !== INVALID_ARGUMENT_CODE) return answer;
      // The key may have been rotated since it was cached: fetch it again and retry once.
      const previous = await encryptionKey();
      cachedKey = undefined;
      const current = await encryptionKey();
      return current.key_name === previous.key_name ? answer : post(photo);
    },
  };
}
