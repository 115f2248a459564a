/**
 * Real AWS Encryption SDK messages for the fuzz corpus, and a map of their parts so tampering can
 * aim at each one: header fields, encrypted data keys, frames, signature. Message format v2 (the
 * committing suites, the only ones the service accepts):
 * https://docs.aws.amazon.com/encryption-sdk/latest/developer-guide/message-format.html
 */
import { constants, generateKeyPairSync } from 'node:crypto';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  type KeyringNode,
  MultiKeyringNode,
  RawRsaKeyringNode,
} from '@aws-crypto/client-node';
import type { EncryptionKeyInfo } from '../lambda/crypto/index.js';

/** A named byte range `[start, end)` of a message. */
export interface Region {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The parts of a v2 (committing) message, in order; throws on anything else. Every byte of the
 * message lies in exactly one region.
 */
export function messageRegions(message: Buffer): Region[] {
  const regions: Region[] = [];
  let at = 0;
  const take = (name: string, length: number): number => {
    if (at + length > message.length) throw new Error(`message ends inside ${name}`);
    regions.push({ name, start: at, end: at + length });
    at += length;
    return at - length;
  };
  const u16 = (offset: number): number => message.readUInt16BE(offset);
  const u32 = (offset: number): number => message.readUInt32BE(offset);
  if (message[0] !== 0x02) throw new Error('not a v2 message');
  take('header.version', 1);
  const suite = u16(take('header.suite', 2));
  take('header.message-id', 32);
  const aadLength = u16(take('header.aad-length', 2));
  take('header.aad', aadLength);
  const edkCount = u16(take('header.edk-count', 2));
  for (let i = 0; i < edkCount; i++) {
    take(`edk${i}.provider-id`, 2 + u16(at));
    take(`edk${i}.provider-info`, 2 + u16(at));
    take(`edk${i}.ciphertext`, 2 + u16(at));
  }
  take('header.content-type', 1);
  const frameLength = u32(take('header.frame-length', 4));
  take('header.commitment', 32);
  take('header.auth-tag', 16);
  for (let frame = 0; ; frame++) {
    if (u32(at) === 0xffffffff) {
      take('final-frame.marker', 4);
      take('final-frame.sequence', 4);
      take('final-frame.iv', 12);
      const contentLength = u32(take('final-frame.length', 4));
      take('final-frame.content', contentLength);
      take('final-frame.tag', 16);
      break;
    }
    take(`frame${frame}.sequence`, 4);
    take(`frame${frame}.iv`, 12);
    take(`frame${frame}.content`, frameLength);
    take(`frame${frame}.tag`, 16);
  }
  const signed =
    suite === AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
  if (signed) take('footer.signature', 2 + u16(at));
  if (at !== message.length) take('trailing', message.length - at);
  return regions;
}

/** How to encrypt, beyond what the service publishes. */
export interface EncryptOptions {
  readonly suiteId?: AlgorithmSuiteIdentifier;
  readonly commitmentPolicy?: CommitmentPolicy;
  readonly frameLength?: number;
  /** Keyrings wrapping the data key besides the service's (each adds one encrypted data key). */
  readonly extraKeyrings?: readonly KeyringNode[];
  /** Put the service's EDK last (after the extra ones) instead of first. */
  readonly serviceKeyLast?: boolean;
  /** Wrap with the service's key but these RSA settings (a client bug). */
  readonly rsa?: { readonly padding: number; readonly oaepHash?: 'sha1' | 'sha256' };
  /** Key name written in the EDK instead of the service's. */
  readonly keyName?: string;
  readonly encryptionContext?: Record<string, string>;
}

/** The raw RSA keyring a client builds from the service's key (with optional deviations). */
export function serviceKeyring(key: EncryptionKeyInfo, options: EncryptOptions = {}): RawRsaKeyringNode {
  const rsa = options.rsa ?? { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
  return new RawRsaKeyringNode({
    rsaKey: { publicKey: key.public_key_pem },
    keyNamespace: key.key_namespace,
    keyName: options.keyName ?? key.key_name,
    padding: rsa.padding,
    ...(rsa.oaepHash === undefined ? {} : { oaepHash: rsa.oaepHash }),
  });
}

let strangerPem: string | undefined;

/**
 * The public key (PEM) of an RSA key pair that is not the service's. One pair per process: RSA
 * key generation takes a second on a busy core.
 */
export function strangerPublicKeyPem(): string {
  strangerPem ??= generateKeyPairSync('rsa', { modulusLength: 2048 })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  return strangerPem;
}

/**
 * A raw RSA keyring for a key that is not the service's (another service, an old key), under the
 * namespace `someone-else` and `name` (names tell the keyrings apart).
 */
export function strangerKeyring(name: string): RawRsaKeyringNode {
  return new RawRsaKeyringNode({
    rsaKey: { publicKey: strangerPublicKeyPem() },
    keyNamespace: 'someone-else',
    keyName: name,
    padding: constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
  });
}

/** Encrypts `plaintext` for the service like a client, or with the deviations in `options`. */
export async function encryptFor(
  key: EncryptionKeyInfo,
  plaintext: Uint8Array,
  options: EncryptOptions = {},
): Promise<Buffer> {
  const own = serviceKeyring(key, options);
  const extra = [...(options.extraKeyrings ?? [])];
  let keyring: KeyringNode = own;
  const [first, ...rest] = extra;
  if (first !== undefined) {
    keyring = options.serviceKeyLast
      ? new MultiKeyringNode({ generator: first, children: [...rest, own] })
      : new MultiKeyringNode({ generator: own, children: extra });
  }
  const { encrypt } = buildClient(
    options.commitmentPolicy ?? CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
  );
  const { result } = await encrypt(keyring, plaintext, {
    frameLength: options.frameLength ?? 64 * 1024,
    ...(options.suiteId === undefined ? {} : { suiteId: options.suiteId }),
    ...(options.encryptionContext === undefined ? {} : { encryptionContext: options.encryptionContext }),
  });
  return result;
}
