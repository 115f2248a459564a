/**
 * The OpenAPI document: the committed `openapi.json` is what lambda/http/openapi.ts builds, it is a
 * valid OpenAPI 3.1 document, its examples and the README's examples match its schemas, and it
 * names every code of the error table. (The contract tests validate real answers against it.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { DEFAULT_LIMITS } from '../../../lambda/config.js';
import { ERROR_TABLE, SUCCESS_CODE } from '../../../lambda/http/error-table.js';
import { API_VERSION, buildOpenApiDocument } from '../../../lambda/http/openapi.js';
import { REPO_ROOT } from '../../../layers/build-layers.js';
import { createResponseValidator, readOpenApiDocument } from '../../helpers/openapi.js';

type Json = Record<string, unknown>;
const committed = readOpenApiDocument();

/** Every `{ value }` example under `responses`, with where it is. */
function responseExamples(
  document: Json,
): { method: string; path: string; status: number; value: unknown }[] {
  const found: { method: string; path: string; status: number; value: unknown }[] = [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
    for (const [method, operation] of Object.entries(item)) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        const content = (response.content ?? {}) as Record<
          string,
          { examples?: Record<string, { value: unknown }> }
        >;
        for (const media of Object.values(content)) {
          for (const example of Object.values(media.examples ?? {})) {
            const code = status.endsWith('XX') ? Number(`${status[0]}00`) : Number(status);
            found.push({ method, path, status: code, value: example.value });
          }
        }
      }
    }
  }
  return found;
}

describe('openapi.json', () => {
  it('is exactly what lambda/http/openapi.ts builds (run `npm run openapi` after changing it)', () => {
    expect(committed).toEqual(buildOpenApiDocument());
  });

  it('is a valid OpenAPI 3.1 document (and the validator rejects a broken one)', async () => {
    const result = await new Validator().validate(structuredClone(committed));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const broken = structuredClone(committed) as { info: Json };
    delete broken.info.title;
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('documents both routes with every code of the error table', () => {
    const codes = new Set<number>();
    for (const match of JSON.stringify(committed.paths).matchAll(/"enum":\[([\d,]+)\]/g))
      for (const c of match[1]?.split(',') ?? []) codes.add(Number(c));
    for (const { code } of Object.values(ERROR_TABLE)) expect(codes).toContain(code);
    expect(Object.keys(committed.paths as Json).sort()).toEqual([
      '/quality/face/encryption-key',
      '/quality/face/stateless',
    ]);
  });

  it('carries the default limits and the package version', () => {
    const info = committed.info as { version: string; description: string };
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(info.version).toBe(pkg.version);
    expect(API_VERSION).toBe(pkg.version);
    for (const value of Object.values(DEFAULT_LIMITS)) expect(info.description).toContain(String(value));
  });

  it('every response example matches its schema', () => {
    const validator = createResponseValidator(committed);
    const examples = responseExamples(committed);
    expect(examples.length).toBeGreaterThanOrEqual(10);
    for (const { method, path, status, value } of examples) {
      validator.check({ method, path, status, contentType: 'application/json', body: JSON.stringify(value) });
    }
  });

  it('the README’s example answers match the schemas, and a changed field does not', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    const validator = createResponseValidator(committed);
    const success = JSON.parse(blocks.find((b) => b.includes('"faces"')) ?? '{}') as Json;
    expect(success.code).toBe(SUCCESS_CODE);
    const check = (path: string, body: unknown) =>
      validator.check({
        method: path.endsWith('stateless') ? 'POST' : 'GET',
        path,
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify(body),
      });
    check('/quality/face/stateless', success);
    const key = JSON.parse(
      (blocks.find((b) => b.includes('public_key_pem')) ?? '{}').replace('MIIBojANBgkqh…', 'MIIB'),
    ) as Json;
    check('/quality/face/encryption-key', key);
    // Negative controls: the validator does reject what the document does not allow.
    const [face] = success.faces as Json[];
    expect(() =>
      check('/quality/face/stateless', { ...success, faces: [{ ...face, brightness: 1.5 }] }),
    ).toThrow(/brightness/);
    expect(() => check('/quality/face/stateless', { ...success, faces: [{ ...face, extra: 1 }] })).toThrow(
      /additional/,
    );
    expect(() => check('/quality/face/stateless', { ...success, faces: [] })).toThrow(/fewer than 1/);
  });
});
