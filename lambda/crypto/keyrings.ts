import {
  type EncryptedDataKey,
  immutableClass,
  KeyringNode,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/client-node';
import { KMS_CALL_SETTINGS } from './kms-client.js';
import { withKmsFaultScope } from './kms-faults.js';

/**
 * Why no data key could be unwrapped. `serviceFaults` holds the KMS errors that were ours (throttled,
 * unavailable, access denied...); when it is empty, the message simply is not for any of our keys,
 * or its EDKs were modified.
 */
export class DataKeyUnavailableError extends Error {
  override readonly name = 'DataKeyUnavailableError';
  readonly serviceFaults: readonly unknown[];

  constructor(serviceFaults: readonly unknown[]) {
    super(
      serviceFaults.length > 0
        ? 'A key service failed while unwrapping the data key'
        : 'No configured key could unwrap the data key',
      { cause: serviceFaults[0] },
    );
    this.serviceFaults = serviceFaults;
  }
}

/**
 * Decrypt-only keyring that tries its children in order and, unlike the SDK's multi-keyring, keeps
 * the reason for a failure structured: every failure to produce a data key is a
 * {@link DataKeyUnavailableError} telling client mistakes (no matching key, modified EDK) from KMS
 * service faults, which the SDK would otherwise fold into one string of stack traces.
 */
export class DecryptOnlyKeyringNode extends KeyringNode {
  readonly children: readonly KeyringNode[];

  constructor(children: readonly KeyringNode[]) {
    super();
    if (children.length === 0) throw new Error('DecryptOnlyKeyringNode needs at least one keyring');
    this.children = Object.freeze([...children]);
  }

  async _onEncrypt(_material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    throw new Error('This keyring only decrypts');
  }

  async _onDecrypt(
    material: NodeDecryptionMaterial,
    edks: EncryptedDataKey[],
  ): Promise<NodeDecryptionMaterial> {
    const { faults } = await withKmsFaultScope(async () => {
      for (const child of this.children) {
        if (material.hasValidKey()) return;
        try {
          await child.onDecrypt(material, edks);
        } catch {
          // A child failing is not final: another child may hold the key. KMS service faults were
          // recorded in the scope; any other child error means this EDK was not usable.
        }
      }
    }, KMS_CALL_SETTINGS.messageBudgetMs);
    if (!material.hasValidKey()) throw new DataKeyUnavailableError(faults);
    return material;
  }
}
immutableClass(DecryptOnlyKeyringNode);
