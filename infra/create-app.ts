import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildLayers } from '../layers/build-layers.js';
import { readSettings } from './settings.js';
import { FaceQualityStack } from './stack.js';

/**
 * Adds the face-quality stack to `app`, configured from the app's context, after building the layer
 * folders for the configured architecture, and attaches the cdk-nag AWS Solutions checks. Shared by
 * `infra/app.ts` and the infrastructure tests, so both synthesize the same thing.
 */
export function createApp(app: App): FaceQualityStack {
  const settings = readSettings(app.node);
  const stack = new FaceQualityStack(app, settings.stackName, {
    settings,
    layerDirs: buildLayers(settings.arch),
    description: 'face-quality: SenseID-compatible face quality API (Lambda + API Gateway + KMS)',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
