/**
 * Synthesizes the face-quality app in-process for the infrastructure tests, with the feature flags
 * from `cdk.json` (as `cdk synth` would) plus the given context, into a fresh temporary folder.
 * cdk-nag runs as part of `app.synth()`, which throws on any finding not acknowledged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../infra/create-app.js';
import type { FaceQualityStack } from '../../infra/stack.js';
import { REPO_ROOT } from '../../layers/build-layers.js';

/** Deletes what {@link synth} wrote (call from `afterAll`). */
export function removeSynthesized(s: Synthesized | undefined): void {
  if (s !== undefined) rmSync(s.outdir, { recursive: true, force: true });
}

export interface Synthesized {
  readonly stack: FaceQualityStack;
  readonly template: Template;
  /** Cloud assembly folder. */
  readonly outdir: string;
}

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson: unknown = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8'));
  if (typeof cdkJson !== 'object' || cdkJson === null || !('context' in cdkJson)) return {};
  const context = cdkJson.context;
  return typeof context === 'object' && context !== null ? { ...context } : {};
}

/**
 * @param context context values layered over `cdk.json`'s.
 * @param options.bundle `false` skips esbuild (CDK's `aws:cdk:bundling-stacks`), for tests that only
 *   look at the template.
 * @param options.mutate changes the stack before synthesis (for negative controls).
 */
export function synth(
  context: Record<string, unknown>,
  options: { bundle: boolean; mutate?: (stack: FaceQualityStack) => void },
): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'face-quality-cdk-'));
  const app = new App({
    outdir,
    context: {
      ...cdkJsonContext(),
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
  let stack: FaceQualityStack;
  try {
    stack = createApp(app);
    options.mutate?.(stack);
    app.synth();
  } catch (e) {
    rmSync(outdir, { recursive: true, force: true });
    throw e;
  }
  const templateFile = join(outdir, `${stack.artifactId}.template.json`);
  return { stack, template: Template.fromJSON(JSON.parse(readFileSync(templateFile, 'utf8'))), outdir };
}
