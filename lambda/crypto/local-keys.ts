import { createPrivateKey, createPublicKey, generateKeyPair, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { localKeyName } from './key-info.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** File names inside `KeysConfig.localKeyDir`. Only the private key is authoritative. */
export const LOCAL_PRIVATE_KEY_FILE = 'private-key.pem';
export const LOCAL_PUBLIC_KEY_FILE = 'public-key.pem';

/** RSA modulus of a generated development key, in bits. */
export const LOCAL_KEY_MODULUS_BITS = 3072;

export interface LocalKeyPair {
  /** PKCS#8 PEM. Never log it. */
  privateKeyPem: string;
  /** SubjectPublicKeyInfo PEM, derived from the private key. */
  publicKeyPem: string;
  /** Raw RSA keyring key name, derived from the public key fingerprint (see key-info.ts). */
  keyName: string;
}

// Duck-typed: Node's system errors may come from another realm (vm contexts), failing `instanceof`.
function hasCode(e: unknown, ...codes: string[]): boolean {
  return (
    typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' && codes.includes(e.code)
  );
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if (hasCode(e, 'ENOENT')) return undefined;
    throw e;
  }
}

function tempPath(dir: string, name: string): string {
  return join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Publishes `content` at `path` only if nothing is there yet, atomically: a temp file is written
 * completely, then hard-linked to `path` (a no-clobber rename). When two processes race, the first
 * link wins and the other one reads the winner's file, so both end up with the same key.
 */
async function publishOnce(dir: string, name: string, content: string, mode: number): Promise<void> {
  const temp = tempPath(dir, name);
  await writeFile(temp, content, { mode, flag: 'wx' });
  try {
    await link(temp, join(dir, name));
  } catch (e) {
    if (hasCode(e, 'EEXIST')) return;
    // File systems without hard links: fall back to a plain rename when nothing is there yet.
    if (!hasCode(e, 'EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP')) throw e;
    if ((await readIfExists(join(dir, name))) !== undefined) return;
    await rename(temp, join(dir, name));
    return;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Writes `content` at `path` through a temp file and a rename, so readers never see half a file. */
async function replaceAtomically(dir: string, name: string, content: string, mode: number): Promise<void> {
  const temp = tempPath(dir, name);
  await writeFile(temp, content, { mode, flag: 'wx' });
  try {
    await rename(temp, join(dir, name));
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}

/**
 * Loads the local development RSA key pair from `dir`, generating it on first use.
 *
 * `dir` (default `.local-keys`, git-ignored) gets `private-key.pem` (PKCS#8, mode 0600; the folder
 * is created with mode 0700) and `public-key.pem` (derived from the private key, for clients).
 * Idempotent, and safe when several processes start at once: the private key is published with a
 * temp file and a no-clobber link, so every process ends up with the same key pair.
 *
 * @param dir folder for the key files (`KeysConfig.localKeyDir`).
 * @param options.modulusBits RSA modulus of a newly generated key, in bits (default 3072; tests
 *   use 2048 for speed). An existing key is used whatever its size.
 * @throws Error when the existing private key file is not an RSA private key.
 */
export async function ensureLocalKeyPair(
  dir: string,
  options: { modulusBits?: number } = {},
): Promise<LocalKeyPair> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const privatePath = join(dir, LOCAL_PRIVATE_KEY_FILE);
  let privateKeyPem = await readIfExists(privatePath);
  if (privateKeyPem === undefined) {
    const { privateKey } = await generateKeyPairAsync('rsa', {
      modulusLength: options.modulusBits ?? LOCAL_KEY_MODULUS_BITS,
    });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await publishOnce(dir, LOCAL_PRIVATE_KEY_FILE, pem, 0o600);
    privateKeyPem = await readFile(privatePath, 'utf8');
  }

  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`${privatePath} does not hold an RSA private key`);
  }
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  if ((await readIfExists(join(dir, LOCAL_PUBLIC_KEY_FILE))) !== publicKeyPem) {
    await replaceAtomically(dir, LOCAL_PUBLIC_KEY_FILE, publicKeyPem, 0o644);
  }
  return { privateKeyPem, publicKeyPem, keyName: localKeyName(publicKey) };
}
