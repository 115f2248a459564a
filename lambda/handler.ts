/**
 * Lambda entry point (bundled by esbuild as ESM). The top-level await loads the models, warms the
 * engine up and reads the keys during Lambda init, before the first request is timed.
 */
import { createHandler, initDependencies } from './app.js';
import { loadConfig } from './config.js';

export const handler = createHandler(await initDependencies(loadConfig()));
