/**
 * `npm run openapi`: writes the OpenAPI document built by lambda/http/openapi.ts to `openapi.json`
 * (formatted by Biome, as the linter expects). A test fails while the committed file differs.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../lambda/http/openapi.js';
import { REPO_ROOT } from '../layers/build-layers.js';

const file = join(REPO_ROOT, 'openapi.json');
writeFileSync(file, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'biome'), ['format', '--write', file], {
  stdio: 'ignore',
});
process.stdout.write(`wrote ${file}\n`);
