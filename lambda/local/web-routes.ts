/**
 * What the local server serves besides the API: the OpenAPI document at `GET /openapi.json` and
 * the web page at `/` with its assets (see web/). These never reach the Lambda handler: the
 * deployed API is only the contract's two routes (README, "OpenAPI document").
 *
 * The page's script is bundled from web/ by esbuild on first request and kept in memory, so a
 * fresh clone's `npm ci && npm start` serves it with no build step and no generated files.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument, OPENAPI_PATH } from '../http/openapi.js';

/** Folder of the page's sources (this file is lambda/local/web-routes.ts). */
export const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

/** A static answer. */
interface Asset {
  readonly contentType: string;
  readonly body: Buffer;
}

/** Loads one asset; called once per asset and process, on first request. */
type AssetLoader = () => Promise<Asset>;

/** The page's script: web/page.ts and what it imports (the Encryption SDK for browsers), one ESM file. */
async function bundlePage(): Promise<Asset> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(WEB_DIR, 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: false,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild produced no output for web/page.ts');
  return { contentType: 'text/javascript; charset=utf-8', body: Buffer.from(output.contents) };
}

const file =
  (name: string, contentType: string): AssetLoader =>
  async () => ({ contentType, body: await readFile(join(WEB_DIR, name)) });

/** Path → how to load it. */
const ROUTES: Readonly<Record<string, AssetLoader>> = {
  '/': file('index.html', 'text/html; charset=utf-8'),
  '/index.html': file('index.html', 'text/html; charset=utf-8'),
  '/style.css': file('style.css', 'text/css; charset=utf-8'),
  '/page.js': bundlePage,
  [OPENAPI_PATH]: async () => ({
    contentType: 'application/json',
    body: Buffer.from(`${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`),
  }),
};

/** Same-origin page only; the API itself is what other origins call (with CORS). */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface WebRoutes {
  /**
   * Answers `req` when it is a GET or HEAD of one of the page's paths or of `/openapi.json`.
   *
   * @returns true when it answered (the server then does nothing else), false for every other
   *   request (the API's).
   */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

/** The page and document routes, each asset loaded once and cached. */
export function createWebRoutes(): WebRoutes {
  const cache = new Map<string, Promise<Asset>>();
  const load = (path: string, loader: AssetLoader): Promise<Asset> => {
    let pending = cache.get(path);
    if (pending === undefined) {
      pending = loader();
      cache.set(path, pending);
      // A failed load is retried on the next request.
      pending.catch(() => cache.delete(path));
    }
    return pending;
  };
  return {
    async handle(req, res) {
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD') return false;
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const loader = ROUTES[path];
      if (loader === undefined) return false;
      let asset: Asset;
      try {
        asset = await load(path, loader);
      } catch (e) {
        const message = `could not load ${path}: ${e instanceof Error ? e.message : String(e)}`;
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(message);
        return true;
      }
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': asset.contentType,
        'content-length': String(asset.body.length),
        'cache-control': 'no-cache',
      });
      res.end(method === 'HEAD' ? undefined : asset.body);
      return true;
    },
  };
}
