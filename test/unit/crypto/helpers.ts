/** Shared by the crypto tests: RSA key generation and client-side encryption with custom options. */
import { constants, generateKeyPairSync } from 'node:crypto';
import {
  type AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  type KeyringNode,
  RawRsaKeyringNode,
} from '@aws-crypto/client-node';
import type { ErrorKind } from '../../../lambda/errors.js';
import { isFaceQualityError } from '../../../lambda/errors.js';

export interface TestRsaKey {
  publicKeyPem: string;
  privateKeyPem: string;
  publicKeyDer: Buffer;
}

/** A 2048-bit RSA key pair (fast enough to make a few per test file). */
export function rsaKeyPair(): TestRsaKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyDer: publicKey.export({ type: 'spki', format: 'der' }),
  };
}

/** The raw RSA keyring a client builds from a public key. */
export function clientKeyring(
  publicKeyPem: string,
  keyNamespace: string,
  keyName: string,
): RawRsaKeyringNode {
  return new RawRsaKeyringNode({
    rsaKey: { publicKey: publicKeyPem },
    keyNamespace,
    keyName,
    padding: constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
  });
}

/** Encrypts like a client but with any keyring, frame length, suite or commitment policy. */
export async function encryptWith(
  keyring: KeyringNode,
  plaintext: Uint8Array,
  options: {
    frameLength?: number;
    suiteId?: AlgorithmSuiteIdentifier;
    commitmentPolicy?: CommitmentPolicy;
  } = {},
): Promise<Buffer> {
  const { encrypt } = buildClient(
    options.commitmentPolicy ?? CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
  );
  const { result } = await encrypt(keyring, plaintext, {
    frameLength: options.frameLength ?? 64 * 1024,
    ...(options.suiteId === undefined ? {} : { suiteId: options.suiteId }),
  });
  return result;
}

/** Awaits `promise`, expecting a FaceQualityError of `kind`; returns its message. */
export async function rejectsWithKind(promise: Promise<unknown>, kind: ErrorKind): Promise<string> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  if (!isFaceQualityError(caught)) {
    throw new Error(`Expected a FaceQualityError ${kind}, got ${String(caught)}`);
  }
  expect(caught.kind).toBe(kind);
  return caught.message;
}
