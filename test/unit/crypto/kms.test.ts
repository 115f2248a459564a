import {
  createCipheriv,
  createDecipheriv,
  constants as cryptoConstants,
  generateKeyPairSync,
  privateDecrypt,
  randomBytes,
} from 'node:crypto';
import { KmsKeyringNode } from '@aws-crypto/client-node';
import {
  DecryptCommand,
  type DecryptCommandInput,
  GenerateDataKeyCommand,
  type GenerateDataKeyCommandInput,
  GetPublicKeyCommand,
  InvalidCiphertextException,
  KMS,
  KMSClient,
  KMSInternalException,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import type { KeysConfig } from '../../../lambda/config.js';
import {
  createDecryptor,
  type Decryptor,
  type EncryptionKeyInfo,
  encryptImage,
  KMS_RSA_ENCRYPTION_ALGORITHM,
} from '../../../lambda/crypto/index.js';
import { faultRecordingKmsClient } from '../../../lambda/crypto/kms-faults.js';
import { clientKeyring, encryptWith, rejectsWithKind, rsaKeyPair, type TestRsaKey } from './helpers.js';

const REGION = 'eu-west-1';
const RSA_ARN = `arn:aws:kms:${REGION}:111122223333:key/0f1e2d3c-aaaa-bbbb-cccc-000000000001`;
const SYM_ARN = `arn:aws:kms:${REGION}:111122223333:key/0f1e2d3c-aaaa-bbbb-cccc-000000000002`;
const PREVIOUS_RSA_ARN = `arn:aws:kms:${REGION}:111122223333:key/0f1e2d3c-aaaa-bbbb-cccc-000000000004`;
const UNCONFIGURED_SYM_ARN = `arn:aws:kms:${REGION}:111122223333:key/0f1e2d3c-aaaa-bbbb-cccc-000000000003`;
const NAMESPACE = 'face-quality';
const MAX_IMAGE_BYTES = 100_000;

function kmsKeys(overrides: Partial<KeysConfig> = {}): KeysConfig {
  return {
    source: 'kms',
    kmsRsaKeyArn: RSA_ARN,
    kmsSymmetricKeyArns: [SYM_ARN],
    kmsRsaPreviousKeyArns: [PREVIOUS_RSA_ARN],
    localKeyDir: '/nonexistent',
    keyNamespace: NAMESPACE,
    maxEncryptedDataKeys: 3,
    ...overrides,
  };
}

/** Errors shaped like the SDK's service exceptions (name, $fault, $metadata). */
function serviceError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} (simulated)`), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
  });
}

function invalidCiphertext(): InvalidCiphertextException {
  return new InvalidCiphertextException({ message: 'simulated', $metadata: { httpStatusCode: 400 } });
}

// The KMS RSA key's private half stays "inside KMS": only the mocked DecryptCommand uses it.
let kmsRsa: TestRsaKey;
// The key that a rotation replaced: still accepted for decryption, never published.
let previousKmsRsa: TestRsaKey;
// The KMS symmetric key material, simulated with AES-256-GCM bound to the encryption context.
const symmetricMasterKey = randomBytes(32);

function contextAad(context: Record<string, string> | undefined): Buffer {
  return Buffer.from(JSON.stringify(Object.entries(context ?? {}).sort()));
}

function symmetricWrap(plaintext: Uint8Array, context: Record<string, string> | undefined): Uint8Array {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', symmetricMasterKey, iv).setAAD(contextAad(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

function symmetricUnwrap(blob: Uint8Array, context: Record<string, string> | undefined): Buffer {
  const bytes = Buffer.from(blob);
  try {
    const decipher = createDecipheriv('aes-256-gcm', symmetricMasterKey, bytes.subarray(0, 12));
    decipher.setAAD(contextAad(context)).setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
  } catch {
    throw invalidCiphertext();
  }
}

/** A fake KMS: RSA Decrypt with the real private key, symmetric GenerateDataKey/Decrypt with AES-GCM. */
function kmsDecrypt(input: DecryptCommandInput) {
  const blob = input.CiphertextBlob ?? new Uint8Array(0);
  if (input.KeyId === RSA_ARN || input.KeyId === PREVIOUS_RSA_ARN) {
    const key = input.KeyId === RSA_ARN ? kmsRsa : previousKmsRsa;
    try {
      const plaintext = privateDecrypt(
        { key: key.privateKeyPem, padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        blob,
      );
      return {
        KeyId: input.KeyId,
        Plaintext: new Uint8Array(plaintext),
        EncryptionAlgorithm: input.EncryptionAlgorithm,
      };
    } catch {
      throw invalidCiphertext();
    }
  }
  if (input.KeyId === SYM_ARN || input.KeyId === UNCONFIGURED_SYM_ARN) {
    return { KeyId: input.KeyId, Plaintext: new Uint8Array(symmetricUnwrap(blob, input.EncryptionContext)) };
  }
  throw serviceError('NotFoundException', 400);
}

function kmsGenerateDataKey(input: GenerateDataKeyCommandInput) {
  const plaintext = randomBytes(input.NumberOfBytes ?? 32);
  return {
    KeyId: input.KeyId,
    Plaintext: new Uint8Array(plaintext),
    CiphertextBlob: symmetricWrap(plaintext, input.EncryptionContext),
  };
}

const rsaClient = new KMSClient({ region: REGION });
const rsaMock = mockClient(rsaClient);
const aggregated = new KMS({ region: REGION });
const aggregatedMock = mockClient(aggregated);

let decryptor: Decryptor;
let keyInfo: EncryptionKeyInfo;

function publicKeyOutput() {
  return {
    KeyId: RSA_ARN,
    PublicKey: new Uint8Array(kmsRsa.publicKeyDer),
    KeySpec: 'RSA_2048' as const,
    KeyUsage: 'ENCRYPT_DECRYPT' as const,
    EncryptionAlgorithms: ['RSAES_OAEP_SHA_1' as const, 'RSAES_OAEP_SHA_256' as const],
  };
}

function resetMocks(): void {
  rsaMock.reset();
  aggregatedMock.reset();
  rsaMock.on(DecryptCommand).callsFake(kmsDecrypt);
  rsaMock.on(GetPublicKeyCommand).resolves(publicKeyOutput());
  aggregatedMock.on(DecryptCommand).callsFake(kmsDecrypt);
  aggregatedMock.on(GenerateDataKeyCommand).callsFake(kmsGenerateDataKey);
}

/** A server-side caller encrypting with the SDK's KMS keyring (through the same fake KMS). */
function symmetricEncrypt(image: Uint8Array, arn = SYM_ARN): Promise<Buffer> {
  return encryptWith(new KmsKeyringNode({ generatorKeyId: arn, clientProvider: () => aggregated }), image);
}

/** Where the (simulated) KMS ciphertext blob starts: in the header, after the key ARN and a 2-byte length. */
function symmetricBlobStart(message: Buffer): number {
  return message.indexOf(Buffer.from(SYM_ARN)) + SYM_ARN.length + 2;
}

beforeAll(async () => {
  kmsRsa = rsaKeyPair();
  previousKmsRsa = rsaKeyPair();
  resetMocks();
  decryptor = await createDecryptor(
    kmsKeys(),
    { maxImageBytes: MAX_IMAGE_BYTES },
    { kmsClient: rsaClient, kmsAggregatedClient: aggregated },
  );
  keyInfo = await decryptor.publicKeyInfo();
});

beforeEach(resetMocks);

describe('publicKeyInfo with KMS', () => {
  it('serves the KMS public key as PEM, named by the key ARN, and caches it', async () => {
    expect(keyInfo.public_key_pem).toBe(
      `-----BEGIN PUBLIC KEY-----\n${(kmsRsa.publicKeyDer.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END PUBLIC KEY-----\n`,
    );
    expect(keyInfo).toMatchObject({ key_namespace: NAMESPACE, key_name: RSA_ARN, oaep_hash: 'sha256' });
    await decryptor.publicKeyInfo();
    expect(rsaMock.commandCalls(GetPublicKeyCommand)).toHaveLength(0);
  });

  it('reports a GetPublicKey failure as INTERNAL, then retries', async () => {
    const fresh = await createDecryptor(kmsKeys(), { maxImageBytes: 1 }, { kmsClient: rsaClient });
    rsaMock
      .on(GetPublicKeyCommand)
      .rejectsOnce(serviceError('ThrottlingException', 400))
      .resolves(publicKeyOutput());
    await rejectsWithKind(fresh.publicKeyInfo(), 'INTERNAL');
    expect((await fresh.publicKeyInfo()).public_key_pem).toBe(keyInfo.public_key_pem);
    expect(rsaMock.commandCalls(GetPublicKeyCommand)).toHaveLength(2);
  });

  it('refuses a KMS key that cannot do RSAES_OAEP_SHA_256 as INTERNAL', async () => {
    const fresh = await createDecryptor(kmsKeys(), { maxImageBytes: 1 }, { kmsClient: rsaClient });
    rsaMock.on(GetPublicKeyCommand).resolves({
      PublicKey: new Uint8Array(kmsRsa.publicKeyDer),
      KeySpec: 'RSA_2048',
      KeyUsage: 'SIGN_VERIFY',
    });
    await rejectsWithKind(fresh.publicKeyInfo(), 'INTERNAL');
  });

  it('answers NOT_FOUND when only symmetric keys are configured', async () => {
    const symmetricOnly = await createDecryptor(
      kmsKeys({ kmsRsaKeyArn: undefined }),
      { maxImageBytes: 1 },
      { kmsAggregatedClient: aggregated },
    );
    await rejectsWithKind(symmetricOnly.publicKeyInfo(), 'NOT_FOUND');
  });
});

describe('KMS RSA keyring', () => {
  it('round-trips: client encrypts with the public key, KMS Decrypt unwraps the data key', async () => {
    const image = randomBytes(70_000);
    const plaintext = await decryptor.decryptImage(await encryptImage(image, keyInfo));
    expect(Buffer.from(plaintext)).toEqual(image);
    const calls = rsaMock.commandCalls(DecryptCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      KeyId: RSA_ARN,
      EncryptionAlgorithm: KMS_RSA_ENCRYPTION_ALGORITHM,
    });
    expect(aggregatedMock.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('still decrypts messages for a previous (rotated-out) key, through KMS with that key', async () => {
    const image = randomBytes(5_000);
    const message = await encryptWith(
      clientKeyring(previousKmsRsa.publicKeyPem, NAMESPACE, PREVIOUS_RSA_ARN),
      image,
    );
    const plaintext = await decryptor.decryptImage(message.toString('base64'));
    expect(Buffer.from(plaintext)).toEqual(image);
    expect(rsaMock.commandCalls(DecryptCommand)[0]?.args[0].input.KeyId).toBe(PREVIOUS_RSA_ARN);
    expect((await decryptor.publicKeyInfo()).key_name).toBe(RSA_ARN);
  });

  it('reports a data key KMS cannot decrypt (another key, same name) as INVALID_ARGUMENT', async () => {
    const other = rsaKeyPair();
    const message = await encryptWith(
      clientKeyring(other.publicKeyPem, NAMESPACE, RSA_ARN),
      randomBytes(100),
    );
    await rejectsWithKind(decryptor.decryptImage(message.toString('base64')), 'INVALID_ARGUMENT');
    expect(rsaMock.commandCalls(DecryptCommand)).toHaveLength(1);
  });

  it('never calls KMS for EDKs that name another key', async () => {
    const message = await encryptWith(
      clientKeyring(kmsRsa.publicKeyPem, NAMESPACE, 'not-our-arn'),
      randomBytes(10),
    );
    await rejectsWithKind(decryptor.decryptImage(message.toString('base64')), 'INVALID_ARGUMENT');
    expect(rsaMock.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('never calls KMS for a wrapped key no KMS RSA key could have produced (1024-bit)', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const message = await encryptWith(clientKeyring(pem, NAMESPACE, RSA_ARN), randomBytes(10));
    await rejectsWithKind(decryptor.decryptImage(message.toString('base64')), 'INVALID_ARGUMENT');
    expect(rsaMock.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it.each([
    ['throttled', () => serviceError('ThrottlingException', 400)],
    ['access denied', () => serviceError('AccessDeniedException', 400)],
    ['disabled key', () => serviceError('DisabledException', 400)],
    [
      'internal error',
      () => new KMSInternalException({ message: 'simulated', $metadata: { httpStatusCode: 500 } }),
    ],
    ['unreachable', () => Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })],
  ])('reports KMS %s as INTERNAL without the details', async (_label, fault) => {
    rsaMock.on(DecryptCommand).rejects(fault());
    const encrypted = await encryptImage(randomBytes(100), keyInfo);
    const message = await rejectsWithKind(decryptor.decryptImage(encrypted), 'INTERNAL');
    expect(message).not.toMatch(/simulated|ETIMEDOUT|arn:/);
  });
});

describe('KMS symmetric keyring', () => {
  it('round-trips a message from a server-side caller using the SDK KMS keyring', async () => {
    const image = randomBytes(5000);
    const message = await symmetricEncrypt(image);
    expect(Buffer.from(await decryptor.decryptImage(message.toString('base64')))).toEqual(image);
    const calls = aggregatedMock.commandCalls(DecryptCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.KeyId).toBe(SYM_ARN);
    expect(rsaMock.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('ignores KMS keys that are not configured, without calling KMS', async () => {
    const message = await symmetricEncrypt(randomBytes(100), UNCONFIGURED_SYM_ARN);
    aggregatedMock.resetHistory();
    await rejectsWithKind(decryptor.decryptImage(message.toString('base64')), 'INVALID_ARGUMENT');
    expect(aggregatedMock.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('refuses, without calling KMS, a data key longer than any KMS ciphertext', async () => {
    aggregatedMock.on(GenerateDataKeyCommand).callsFake((input: GenerateDataKeyCommandInput) => ({
      ...kmsGenerateDataKey(input),
      CiphertextBlob: randomBytes(7000),
    }));
    const message = await symmetricEncrypt(randomBytes(10));
    await rejectsWithKind(decryptor.decryptImage(message.toString('base64')), 'INVALID_ARGUMENT');
    expect(aggregatedMock.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('the KMS client wrapper refuses an empty data key without calling KMS', async () => {
    // The SDK's message parser already rejects empty EDKs; this guards the wrapper on its own.
    const client = faultRecordingKmsClient(aggregated);
    await expect(client.decrypt({ CiphertextBlob: new Uint8Array(0), KeyId: SYM_ARN })).rejects.toThrow(
      /length/,
    );
    expect(aggregatedMock.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('reports a modified data key (InvalidCiphertextException) as INVALID_ARGUMENT', async () => {
    const message = await symmetricEncrypt(randomBytes(100));
    const at = symmetricBlobStart(message) + 20;
    message[at] = (message[at] ?? 0) ^ 0x01;
    await rejectsWithKind(decryptor.decryptImage(message.toString('base64')), 'INVALID_ARGUMENT');
    expect(aggregatedMock.commandCalls(DecryptCommand)).toHaveLength(1);
  });

  it.each([
    ['throttled', () => serviceError('ThrottlingException', 400)],
    ['unavailable', () => serviceError('KMSInternalException', 500)],
  ])('reports KMS %s as INTERNAL', async (_label, fault) => {
    const message = await symmetricEncrypt(randomBytes(100));
    aggregatedMock.on(DecryptCommand).rejects(fault());
    await rejectsWithKind(decryptor.decryptImage(message.toString('base64')), 'INTERNAL');
  });

  it('keeps concurrent requests apart: a fault in one does not turn the other into INTERNAL', async () => {
    const modified = await symmetricEncrypt(randomBytes(100));
    const modifiedAt = symmetricBlobStart(modified) + 20;
    modified[modifiedAt] = (modified[modifiedAt] ?? 0) ^ 0x01;
    const throttled = await symmetricEncrypt(randomBytes(100));
    const throttledIv = throttled.subarray(symmetricBlobStart(throttled), symmetricBlobStart(throttled) + 12);
    aggregatedMock.on(DecryptCommand).callsFake(async (input: DecryptCommandInput) => {
      const blob = Buffer.from(input.CiphertextBlob ?? new Uint8Array(0));
      if (blob.subarray(0, 12).equals(throttledIv)) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw serviceError('ThrottlingException', 400);
      }
      // The modified message's KMS call fails after the other request recorded its fault.
      await new Promise((resolve) => setTimeout(resolve, 30));
      return kmsDecrypt(input);
    });
    await Promise.all([
      rejectsWithKind(decryptor.decryptImage(modified.toString('base64')), 'INVALID_ARGUMENT'),
      rejectsWithKind(decryptor.decryptImage(throttled.toString('base64')), 'INTERNAL'),
    ]);
  });
});

describe('createDecryptor configuration', () => {
  it('refuses KEY_SOURCE=kms without any key, symmetric key IDs that are not ARNs, and maxEncryptedDataKeys 0', async () => {
    await expect(
      createDecryptor(kmsKeys({ kmsRsaKeyArn: undefined, kmsSymmetricKeyArns: [] }), { maxImageBytes: 1 }),
    ).rejects.toThrow('KMS_RSA_KEY_ARN');
    await expect(
      createDecryptor(
        kmsKeys({ kmsSymmetricKeyArns: ['alias/face'] }),
        { maxImageBytes: 1 },
        { kmsClient: rsaClient },
      ),
    ).rejects.toThrow('ARN');
    await expect(createDecryptor(kmsKeys({ maxEncryptedDataKeys: 0 }), { maxImageBytes: 1 })).rejects.toThrow(
      'maxEncryptedDataKeys',
    );
  });
});
