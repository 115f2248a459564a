/**
 * Stand-in for `import sharp from 'sharp'` in the bundled function (esbuild `--alias:sharp=` points
 * here). sharp's native binary comes from the runtime layer, so it cannot be bundled, and a bare ESM
 * import of it would resolve only through the Lambda runtime's own NODE_PATH extension to the ESM
 * loader, which nothing outside Lambda reproduces. A CommonJS `require` resolves it the same way on
 * Lambda and in the staged-bundle test: through the standard NODE_PATH lookup, which Lambda's
 * bootstrap sets to include `/opt/nodejs/node_modules` (the layer) and the test sets to the staged
 * layer copy.
 */
import { createRequire } from 'node:module';

// `import.meta.url` is the bundle's own file, so local `node_modules` folders are tried first (there
// are none in the function package) and NODE_PATH after them.
const layerRequire = createRequire(import.meta.url);

const sharp: typeof import('sharp').default = layerRequire('sharp');

export default sharp;
