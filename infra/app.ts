/**
 * CDK app entry (`cdk.json`: `npx tsx infra/app.ts`). Builds the layer folders for the configured
 * architecture, defines the stack, runs the cdk-nag AWS Solutions checks (a finding that is not
 * acknowledged with a reason fails the synth) and prints the asset sizes.
 */
import { performance } from 'node:perf_hooks';
import { App } from 'aws-cdk-lib';
import { createApp } from './create-app.js';
import { describeSizes, findStagedAssets, LAMBDA_UNZIPPED_LIMIT_BYTES } from './staged-assets.js';

const startMs = performance.now();
const app = new App();
const stack = createApp(app);
const assembly = app.synth();
// `cdk list` / `cdk destroy` skip bundling: there is no bundle to measure then.
if (stack.bundlingRequired) {
  const assets = findStagedAssets(assembly.directory, stack.artifactId);
  process.stderr.write(
    `${describeSizes(assets)}\nsynth took ${((performance.now() - startMs) / 1000).toFixed(1)} s\n`,
  );
  if (assets.totalBytes > LAMBDA_UNZIPPED_LIMIT_BYTES) {
    throw new Error("The function and its layers exceed Lambda's 250 MB unzipped limit");
  }
}
