/**
 * Lays out a synthesized function the way Lambda runs it, for the staged-bundle test and
 * `npm run bench:init`: the staged function folder copied to `<root>/var/task`, every staged layer
 * merged into `<root>/opt` in order, and the environment Lambda would give the process.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findStagedAssets } from '../../infra/staged-assets.js';
import type { Synthesized } from './synth.js';

export interface StagedLambda {
  /** Temporary folder holding `var/task` and `opt`; the caller removes it. */
  readonly root: string;
  readonly taskDir: string;
  readonly optDir: string;
  /**
   * The function's plain-string variables from the template with `/opt` paths pointing at the
   * copy, plus what Lambda's bootstrap sets (NODE_PATH with the layer folders first, the task
   * root, region, time zone); nothing from this machine.
   */
  readonly environment: Readonly<Record<string, string>>;
}

/** Copies the function and its layers out of `s` into a fresh temporary folder named `prefix…`. */
export function stageLambda(s: Synthesized, prefix: string): StagedLambda {
  const functions = Object.values(s.template.findResources('AWS::Lambda::Function'));
  if (functions.length !== 1)
    throw new Error(`expected one function in the template, found ${functions.length}`);
  const assets = findStagedAssets(s.outdir, s.stack.artifactId);
  const root = mkdtempSync(join(tmpdir(), prefix));
  const taskDir = join(root, 'var', 'task');
  const optDir = join(root, 'opt');
  cpSync(assets.fn.dir, taskDir, { recursive: true });
  // Lambda extracts every layer into /opt, in order.
  for (const layer of assets.layers) cpSync(layer.dir, optDir, { recursive: true });
  const variables: Record<string, unknown> = functions[0]?.Properties.Environment.Variables ?? {};
  const fromTemplate = Object.entries(variables).flatMap(([name, value]) =>
    typeof value === 'string' ? [[name, value.replace(/^\/opt(?=\/|$)/, optDir)] as const] : [],
  );
  return {
    root,
    taskDir,
    optDir,
    environment: {
      ...Object.fromEntries(fromTemplate),
      NODE_PATH: [
        join(optDir, 'nodejs', 'node22', 'node_modules'),
        join(optDir, 'nodejs', 'node_modules'),
      ].join(':'),
      LAMBDA_TASK_ROOT: taskDir,
      AWS_REGION: 'us-east-1',
      TZ: ':UTC',
    },
  };
}
