import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AlgorithmSuiteIdentifier,
  CommitmentPolicy,
  MultiKeyringNode,
  RawRsaKeyringNode,
} from '@aws-crypto/client-node';
import type { KeysConfig } from '../../../lambda/config.js';
import {
  ALGORITHM_SUITE,
  createDecryptor,
  type Decryptor,
  decryptImage,
  type EncryptionKeyInfo,
  encryptImage,
  ensureLocalKeyPair,
  LOCAL_PRIVATE_KEY_FILE,
  LOCAL_PUBLIC_KEY_FILE,
  type LocalKeyPair,
} from '../../../lambda/crypto/index.js';
import { clientKeyring, encryptWith, rejectsWithKind, rsaKeyPair, type TestRsaKey } from './helpers.js';

const MAX_IMAGE_BYTES = 200_000;
const NAMESPACE = 'face-quality';

function localKeys(dir: string): KeysConfig {
  return {
    source: 'local',
    kmsRsaKeyArn: undefined,
    kmsSymmetricKeyArns: [],
    kmsRsaPreviousKeyArns: [],
    localKeyDir: dir,
    keyNamespace: NAMESPACE,
    maxEncryptedDataKeys: 3,
  };
}

let root: string;
let pair: LocalKeyPair;
let decryptor: Decryptor;
let keyInfo: EncryptionKeyInfo;
/** Foreign RSA keys, made once: key generation dominates this file's run time. */
let others: TestRsaKey[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fq-crypto-'));
  // A 2048-bit key made up front keeps the suite fast; createDecryptor then finds and reuses it.
  pair = await ensureLocalKeyPair(join(root, 'keys'), { modulusBits: 2048 });
  decryptor = await createDecryptor(localKeys(join(root, 'keys')), { maxImageBytes: MAX_IMAGE_BYTES });
  keyInfo = await decryptor.publicKeyInfo();
  others = [rsaKeyPair(), rsaKeyPair(), rsaKeyPair()];
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ensureLocalKeyPair', () => {
  it('stores a private key only its owner can read, and names the key by its fingerprint', async () => {
    const dir = join(root, 'keys');
    expect((await stat(join(dir, LOCAL_PRIVATE_KEY_FILE))).mode & 0o777).toBe(0o600);
    expect(pair.keyName).toMatch(/^local-sha256-[0-9a-f]{32}$/);
    expect(pair.publicKeyPem).toContain('BEGIN PUBLIC KEY');
    expect(pair.privateKeyPem).toContain('BEGIN PRIVATE KEY');
  });

  it('is idempotent', async () => {
    expect(await ensureLocalKeyPair(join(root, 'keys'))).toEqual(pair);
  });

  it('gives every concurrent first caller the same key and leaves no temp files', async () => {
    const dir = join(root, 'race');
    const results = await Promise.all([1, 2].map(() => ensureLocalKeyPair(dir, { modulusBits: 2048 })));
    expect(results[1]).toEqual(results[0]);
    expect((await readdir(dir)).sort()).toEqual([LOCAL_PRIVATE_KEY_FILE, LOCAL_PUBLIC_KEY_FILE].sort());
    expect(results[0]?.keyName).not.toBe(pair.keyName);
  });

  it('refuses a private key file that is not RSA', async () => {
    const dir = join(root, 'ec');
    await mkdir(dir);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFile(join(dir, LOCAL_PRIVATE_KEY_FILE), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(ensureLocalKeyPair(dir)).rejects.toThrow('RSA');
  });
});

describe('local decryptor', () => {
  it('publishes the local public key with the raw RSA keyring parameters', () => {
    expect(keyInfo).toEqual({
      public_key_pem: pair.publicKeyPem,
      key_namespace: NAMESPACE,
      key_name: pair.keyName,
      padding: 'RSA_PKCS1_OAEP_PADDING',
      oaep_hash: 'sha256',
      algorithm_suite: ALGORITHM_SUITE,
      commitment_policy: 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT',
    });
  });

  it('round-trips an image encrypted by the client helper (several frames)', async () => {
    const image = randomBytes(150_000);
    const encrypted = await encryptImage(image, keyInfo);
    expect(Buffer.from(await decryptor.decryptImage(encrypted))).toEqual(image);
  });

  it('accepts an image of exactly maxImageBytes', async () => {
    const image = randomBytes(MAX_IMAGE_BYTES);
    expect((await decryptor.decryptImage(await encryptImage(image, keyInfo))).byteLength).toBe(
      MAX_IMAGE_BYTES,
    );
  });

  it('accepts the base64 mangled by curl -d (spaces for "+"), URL-safe and line-wrapped', async () => {
    const image = randomBytes(5000);
    const encrypted = await encryptImage(image, keyInfo);
    expect(encrypted).toContain('+');
    const curl = encrypted.replace(/\+/g, ' ');
    const urlSafeWrapped = (
      encrypted
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '')
        .match(/.{1,76}/g) ?? []
    ).join('\n');
    expect(Buffer.from(await decryptor.decryptImage(curl))).toEqual(image);
    expect(Buffer.from(await decryptor.decryptImage(urlSafeWrapped))).toEqual(image);
  });

  // The wrapped data key follows its key name and a 2-byte length in the header.
  const inWrappedKey = (message: Buffer): number =>
    message.indexOf(Buffer.from(pair.keyName)) + pair.keyName.length + 2 + 10;
  it.each([
    ['in the wrapped data key', inWrappedKey],
    ['in the header (encryption context)', () => 40],
    ['in the body', (message: Buffer) => Math.floor(message.length / 2)],
    ['in the signature', (message: Buffer) => message.length - 1],
  ])('rejects a message modified %s', async (_where, position) => {
    const message = Buffer.from(await encryptImage(randomBytes(3000), keyInfo), 'base64');
    const at = position(message);
    expect(at).toBeGreaterThan(12);
    message[at] = (message[at] ?? 0) ^ 0x01;
    await rejectsWithKind(decryptor.decryptImage(message.toString('base64')), 'INVALID_ARGUMENT');
  });

  it('rejects a message for another key, even one claiming our key name', async () => {
    const [other] = others;
    if (other === undefined) throw new Error('no foreign key');
    for (const keyName of [pair.keyName, 'some-other-key']) {
      const message = await encryptWith(
        clientKeyring(other.publicKeyPem, NAMESPACE, keyName),
        randomBytes(100),
      );
      const text = await rejectsWithKind(
        decryptor.decryptImage(message.toString('base64')),
        'INVALID_ARGUMENT',
      );
      expect(text).toMatch(/not encrypted for a key of this service/);
      expect(text).not.toContain(pair.keyName);
    }
  });

  it.each([
    ['empty text', ''],
    ['text that is not base64', 'this is not base64!'],
    ['base64 of bytes that are not an Encryption SDK message', randomBytes(4000).toString('base64')],
    ['base64 of JSON', Buffer.from('{"image":"x"}').toString('base64')],
  ])('rejects %s', async (_label, text) => {
    await rejectsWithKind(decryptor.decryptImage(text), 'INVALID_ARGUMENT');
  });

  it('rejects a truncated message', async () => {
    const message = Buffer.from(await encryptImage(randomBytes(3000), keyInfo), 'base64');
    for (const length of [20, message.length - 200]) {
      const cut = message.subarray(0, length).toString('base64');
      await rejectsWithKind(decryptor.decryptImage(cut), 'INVALID_ARGUMENT');
    }
  });

  it('rejects a message with a non-committing algorithm suite', async () => {
    const message = await encryptWith(
      clientKeyring(pair.publicKeyPem, NAMESPACE, pair.keyName),
      randomBytes(100),
      {
        suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
        commitmentPolicy: CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT,
      },
    );
    await rejectsWithKind(decryptor.decryptImage(message.toString('base64')), 'INVALID_ARGUMENT');
  });

  it('reports an empty image as CONTENT_EMPTY', async () => {
    const encrypted = await encryptImage(new Uint8Array(0), keyInfo);
    await rejectsWithKind(decryptor.decryptImage(encrypted), 'CONTENT_EMPTY');
  });

  it('reports an image over maxImageBytes as CONTENT_TOO_LARGE, in many frames or in one', async () => {
    const image = randomBytes(MAX_IMAGE_BYTES + 1);
    const keyring = clientKeyring(pair.publicKeyPem, NAMESPACE, pair.keyName);
    for (const frameLength of [64 * 1024, 1024 * 1024]) {
      const message = await encryptWith(keyring, image, { frameLength });
      const text = await rejectsWithKind(
        decryptor.decryptImage(message.toString('base64')),
        'CONTENT_TOO_LARGE',
      );
      expect(text).toContain(String(MAX_IMAGE_BYTES));
    }
  });

  it('accepts up to maxEncryptedDataKeys EDKs and rejects more', async () => {
    const foreign = others.map((k, i) => clientKeyring(k.publicKeyPem, NAMESPACE, `other-${i}`));
    const ours = clientKeyring(pair.publicKeyPem, NAMESPACE, pair.keyName);
    const image = randomBytes(100);
    const three = await encryptWith(
      new MultiKeyringNode({ generator: ours, children: foreign.slice(0, 2) }),
      image,
    );
    expect(Buffer.from(await decryptor.decryptImage(three.toString('base64')))).toEqual(image);
    const four = await encryptWith(new MultiKeyringNode({ generator: ours, children: foreign }), image);
    const text = await rejectsWithKind(decryptor.decryptImage(four.toString('base64')), 'INVALID_ARGUMENT');
    expect(text).toContain('more than 3 encrypted data keys');
  });
});

describe('decryptImage (core, any keyring)', () => {
  it('decrypts with a plain RawRsaKeyringNode and reports a foreign message as INVALID_ARGUMENT', async () => {
    const keyring = new RawRsaKeyringNode({
      rsaKey: { privateKey: pair.privateKeyPem },
      keyNamespace: NAMESPACE,
      keyName: pair.keyName,
      oaepHash: 'sha256',
    });
    const limits = { maxImageBytes: 1000, maxEncryptedDataKeys: 1 };
    const image = randomBytes(1000);
    expect(Buffer.from(await decryptImage(await encryptImage(image, keyInfo), keyring, limits))).toEqual(
      image,
    );
    const foreign = await encryptImage(image, { ...keyInfo, public_key_pem: others[1]?.publicKeyPem ?? '' });
    await rejectsWithKind(decryptImage(foreign, keyring, limits), 'INVALID_ARGUMENT');
  });
});

describe('encryptImage', () => {
  it('refuses key info it cannot honour', async () => {
    const image = randomBytes(10);
    await expect(
      encryptImage(image, { ...keyInfo, algorithm_suite: 'ALG_AES256_GCM_IV12_TAG16' }),
    ).rejects.toThrow('algorithm suite');
    await expect(
      encryptImage(image, { ...keyInfo, commitment_policy: 'FORBID_ENCRYPT_ALLOW_DECRYPT' }),
    ).rejects.toThrow('commitment policy');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    await expect(encryptImage(image, { ...keyInfo, public_key_pem: ec.toString() })).rejects.toThrow('RSA');
  });

  it('uses 64 KiB frames', async () => {
    // Overhead grows by one frame header + tag per frame: 64 KiB frames keep it small.
    const image = randomBytes(256 * 1024);
    const size = Buffer.from(await encryptImage(image, keyInfo), 'base64').length;
    const fourKiB = await encryptWith(clientKeyring(pair.publicKeyPem, NAMESPACE, pair.keyName), image, {
      frameLength: 4096,
    });
    expect(size - image.length).toBeLessThan(fourKiB.length - image.length - 60 * 28);
  });
});
