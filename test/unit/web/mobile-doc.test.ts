/**
 * docs/mobile.md against openapi.json: every path, field and constant the page tells app
 * developers to use is the one the document (and so the API) has.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { FRAME_LENGTH_BYTES } from '../../../lambda/crypto/key-info.js';
import { REPO_ROOT } from '../../../layers/build-layers.js';
import { readOpenApiDocument } from '../../helpers/openapi.js';

type Schema = { properties: Record<string, { const?: unknown }>; required: string[] };

const page = readFileSync(join(REPO_ROOT, 'docs', 'mobile.md'), 'utf8');
const document = readOpenApiDocument();
const schemas = (document.components as { schemas: Record<string, Schema> }).schemas;

describe('docs/mobile.md', () => {
  it('names only paths the API has, and both of them', () => {
    const paths = new Set([...page.matchAll(/\/quality\/face\/[a-z-]+/g)].map((m) => m[0]));
    expect([...paths].sort()).toEqual(Object.keys(document.paths as object).sort());
  });

  it('lists every field of the key answer with the document’s constant values', () => {
    const keyInfo = schemas.EncryptionKeyInfo;
    expect(keyInfo).toBeDefined();
    for (const field of keyInfo?.required ?? []) {
      expect(page).toContain(`\`${field}\``);
      const value = keyInfo?.properties[field]?.const;
      if (typeof value === 'string') expect(page).toContain(`\`${field}\` = \`${value}\``);
    }
  });

  it('uses the request field, the response schemas and the frame size of the API', () => {
    expect(Object.keys(schemas.StatelessRequest?.properties ?? {})).toEqual(['encrypted_image']);
    expect(page).toContain('{"encrypted_image": "<base64 of the SDK message>"}');
    for (const name of ['EncryptionKeyInfo', 'StatelessRequest', 'SuccessResponse', 'ErrorResponse'])
      expect(page).toContain(`\`${name}\``);
    for (const field of schemas.SuccessResponse?.required ?? []) expect(page).toContain(`\`${field}\``);
    for (const field of schemas.ErrorResponse?.required ?? []) expect(page).toContain(`\`${field}\``);
    expect(page).toContain(`${FRAME_LENGTH_BYTES}-byte frames`);
    expect(page).toContain(`withEncryptionFrameSize(${FRAME_LENGTH_BYTES})`);
  });
});
