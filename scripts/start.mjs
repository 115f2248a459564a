// `npm start`: runs the local server from one esbuild bundle (dist/server.mjs) instead of compiling
// TypeScript on the fly, so start-up loads one file. The bundle is rebuilt (about a second) only when
// a source under lambda/ is newer than it. sharp stays external (native code, found in node_modules).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'lambda', 'local', 'server.ts');
const bundle = join(root, 'dist', 'server.mjs');

/** Newest modification time of the files under `dir`, in ms. */
function newestMtimeMs(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

const stale =
  !existsSync(bundle) ||
  statSync(bundle).mtimeMs <
    Math.max(newestMtimeMs(join(root, 'lambda')), statSync(join(root, 'package-lock.json')).mtimeMs);
if (stale) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['sharp', '@tensorflow/tfjs-node'],
    // Bundled CommonJS (tfjs, face-api, the AWS SDK) needs require, __dirname and __filename.
    banner: {
      js: [
        "import { createRequire as __fqCreateRequire } from 'node:module';",
        "import { fileURLToPath as __fqFileURLToPath } from 'node:url';",
        "import { dirname as __fqDirname } from 'node:path';",
        'const require = __fqCreateRequire(import.meta.url);',
        'const __filename = __fqFileURLToPath(import.meta.url);',
        'const __dirname = __fqDirname(__filename);',
      ].join(' '),
    },
    logLevel: 'warning',
  });
}
const { runLocalServer } = await import(pathToFileURL(bundle).href);
await runLocalServer().catch((e) => {
  process.stderr.write(
    `face-quality local server failed to start: ${e instanceof Error ? e.message : String(e)}\n`,
  );
  process.exit(1);
});
