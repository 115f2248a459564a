#!/usr/bin/env node
// Runs the TypeScript CLI without a build step: tsx's ESM loader compiles lambda/cli on the fly.
import { register } from 'tsx/esm/api';

register();
await import('../lambda/cli/main.ts');
