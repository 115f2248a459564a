import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface ClientKeysProps {
  /** Prefix of the key aliases (`alias/<prefix>/…`), normally the stack name. */
  readonly aliasPrefix: string;
  /** RSA key generations, oldest first; the last is current. See `StackSettings.rsaKeyGenerations`. */
  readonly rsaKeyGenerations: readonly string[];
  /** Also create a symmetric key for server-side callers. */
  readonly symmetricKey: boolean;
}

/**
 * The KMS keys `encrypted_image` may be wrapped for.
 *
 * - One asymmetric RSA_3072 ENCRYPT_DECRYPT key per generation. Mobile and web clients wrap the data
 *   key with its public key (no AWS credentials needed); only KMS can unwrap it. KMS cannot rotate
 *   asymmetric keys, so rotation is a replacement: add a generation (the new key becomes current,
 *   the old one is still accepted), wait out the grace period, then drop the old generation
 *   (docs/deploy.md, "Rotating the RSA key").
 * - Optionally a symmetric key (yearly automatic rotation) for server-side callers that hold AWS
 *   credentials and use the Encryption SDK's KMS keyring.
 *
 * Keys are retained when removed from the stack or when the stack is deleted: a deleted key makes
 * every message wrapped for it undecryptable, so deletion is a deliberate, manual step.
 */
export class ClientKeys extends Construct {
  /** The RSA key clients should encrypt for now. */
  readonly currentRsaKey: Key;
  /** Older RSA keys still accepted during a rotation, oldest first. */
  readonly previousRsaKeys: readonly Key[];
  /** The symmetric key for server-side callers, when enabled. */
  readonly symmetricKey: Key | undefined;

  constructor(scope: Construct, id: string, props: ClientKeysProps) {
    super(scope, id);
    const rsaKeys = props.rsaKeyGenerations.map(
      (generation) =>
        new Key(this, `Rsa${generation}`, {
          description: `face-quality client RSA key, generation ${generation} (encrypted_image data keys)`,
          keySpec: KeySpec.RSA_3072,
          keyUsage: KeyUsage.ENCRYPT_DECRYPT,
          alias: `alias/${props.aliasPrefix}/rsa-${generation}`,
          removalPolicy: RemovalPolicy.RETAIN,
          pendingWindow: Duration.days(30),
        }),
    );
    const current = rsaKeys.at(-1);
    if (current === undefined) throw new Error('ClientKeys needs at least one RSA key generation');
    this.currentRsaKey = current;
    this.previousRsaKeys = rsaKeys.slice(0, -1);
    this.symmetricKey = props.symmetricKey
      ? new Key(this, 'Symmetric', {
          description: 'face-quality key for server-side callers (Encryption SDK KMS keyring)',
          enableKeyRotation: true,
          alias: `alias/${props.aliasPrefix}/server-callers`,
          removalPolicy: RemovalPolicy.RETAIN,
          pendingWindow: Duration.days(30),
        })
      : undefined;
  }

  /** Every key the function may decrypt with. */
  get decryptionKeys(): readonly Key[] {
    return [...this.previousRsaKeys, this.currentRsaKey, ...(this.symmetricKey ? [this.symmetricKey] : [])];
  }

  /**
   * Lets `grantee` call `kms:Decrypt` on exactly {@link decryptionKeys} and `kms:GetPublicKey` on the
   * current RSA key (served by `GET /quality/face/encryption-key`), nothing else.
   */
  grantToFunction(grantee: IGrantable): void {
    for (const key of this.decryptionKeys) key.grantDecrypt(grantee);
    this.currentRsaKey.grant(grantee, 'kms:GetPublicKey');
  }
}
