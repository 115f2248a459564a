/**
 * Validates HTTP answers against the committed OpenAPI document (`openapi.json`) with ajv (JSON
 * Schema 2020-12, OpenAPI 3.1's dialect): the operation is found by method and path, the response
 * by status (exact, then `4XX`/`5XX`), and the JSON body must match its schema. An unknown route
 * must be the documented 404 error shape.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { REPO_ROOT } from '../../layers/build-layers.js';

/** The committed document. */
export const OPENAPI_FILE = join(REPO_ROOT, 'openapi.json');

type Json = Record<string, unknown>;

export function readOpenApiDocument(): Json {
  return JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as Json;
}

const DOCUMENT_ID = 'https://face-quality.local/openapi.json';

/** A JSON pointer segment (RFC 6901). */
const pointer = (segment: string): string => segment.replaceAll('~', '~0').replaceAll('/', '~1');

export interface ResponseValidator {
  /**
   * Throws, naming the operation and ajv's errors, unless the answer is documented: its status
   * under the operation and, for a body, the body against the schema of its content type.
   */
  check(answer: {
    method: string;
    path: string;
    status: number;
    contentType: string | null;
    body: string;
  }): void;
}

/** Builds the validator once per test file. */
export function createResponseValidator(document: Json = readOpenApiDocument()): ResponseValidator {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(document, DOCUMENT_ID);
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (location: string): ValidateFunction => {
    let validate = compiled.get(location);
    if (validate === undefined) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${location}` });
      compiled.set(location, validate);
    }
    return validate;
  };
  const paths = document.paths as Record<string, Record<string, { responses: Record<string, Json> }>>;

  return {
    check({ method, path, status, contentType, body }) {
      const route = `${method.toUpperCase()} ${path} → ${status}`;
      const operation = paths[path]?.[method.toLowerCase()];
      let location: string;
      let response: Json | undefined;
      if (operation === undefined) {
        // Unknown routes are documented by the operations' 404 (same body everywhere).
        if (status !== 404) throw new Error(`${route}: undocumented route answered ${status}`);
        location = `/paths/${pointer('/quality/face/stateless')}/post/responses/404`;
        response = paths['/quality/face/stateless']?.post?.responses['404'];
      } else {
        const key = String(status) in operation.responses ? String(status) : `${String(status)[0]}XX`;
        response = operation.responses[key];
        location = `/paths/${pointer(path)}/${method.toLowerCase()}/responses/${key}`;
      }
      if (response === undefined) throw new Error(`${route}: status not documented for this operation`);
      const content = response.content as Record<string, unknown> | undefined;
      if (content === undefined) {
        if (body !== '') throw new Error(`${route}: documented without a body, got ${body.slice(0, 80)}`);
        return;
      }
      const mediaType = (contentType ?? '').split(';')[0]?.trim() ?? '';
      if (!(mediaType in content)) throw new Error(`${route}: content type "${mediaType}" not documented`);
      const validate = validatorAt(`${location}/content/${pointer(mediaType)}/schema`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw new Error(`${route}: body is not JSON: ${body.slice(0, 80)}`);
      }
      if (!validate(parsed)) {
        throw new Error(
          `${route}: body does not match the OpenAPI document: ${ajv.errorsText(validate.errors)}`,
        );
      }
    },
  };
}
