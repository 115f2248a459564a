/**
 * Finds, in a synthesized cloud assembly, the folders CDK staged for the function and its layers:
 * exactly what `cdk deploy` zips and uploads. Used to print sizes at synth and by the staged-bundle
 * test, which runs the staged function against the staged layers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirSizeBytes } from '../layers/build-layers.js';

/** Lambda's limit on a function's unzipped size, its layers included. */
export const LAMBDA_UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024;

export interface StagedAsset {
  /** CloudFormation logical id of the function or layer version. */
  readonly logicalId: string;
  /** Absolute path of the staged folder. */
  readonly dir: string;
  /** Unzipped size in bytes. */
  readonly sizeBytes: number;
}

export interface StagedAssets {
  readonly fn: StagedAsset;
  readonly layers: readonly StagedAsset[];
  /** Function plus layers, bytes: must stay under {@link LAMBDA_UNZIPPED_LIMIT_BYTES}. */
  readonly totalBytes: number;
}

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The S3 object key of a resource's code, e.g. `<hash>.zip`, when it is a literal. */
function s3Key(code: unknown): string | undefined {
  if (!isRecord(code)) return undefined;
  const key = code.S3Key;
  return typeof key === 'string' ? key : undefined;
}

/**
 * Reads the template and asset manifest of stack artifact `stackArtifactId` in `outdir` and returns
 * the staged folders of the one function that uses layers and of those layers.
 */
export function findStagedAssets(outdir: string, stackArtifactId: string): StagedAssets {
  const template: unknown = JSON.parse(
    readFileSync(join(outdir, `${stackArtifactId}.template.json`), 'utf8'),
  );
  const manifest: unknown = JSON.parse(readFileSync(join(outdir, `${stackArtifactId}.assets.json`), 'utf8'));
  if (
    !isRecord(template) ||
    !isRecord(template.Resources) ||
    !isRecord(manifest) ||
    !isRecord(manifest.files)
  ) {
    throw new Error(`${outdir} holds no template or asset manifest for ${stackArtifactId}`);
  }
  const files = manifest.files;
  const stagedDir = (logicalId: string, key: string | undefined): StagedAsset => {
    const hash = key?.replace(/\.zip$/, '');
    const entry = hash === undefined ? undefined : files[hash];
    const source = isRecord(entry) && isRecord(entry.source) ? entry.source : undefined;
    if (source === undefined || typeof source.path !== 'string' || source.packaging !== 'zip') {
      throw new Error(`No staged zip folder for ${logicalId} (S3Key ${String(key)})`);
    }
    const dir = join(outdir, source.path);
    return { logicalId, dir, sizeBytes: dirSizeBytes(dir) };
  };

  const resources = Object.entries(template.Resources as Record<string, CfnResource>);
  const layers = new Map<string, StagedAsset>();
  for (const [id, res] of resources) {
    if (res.Type === 'AWS::Lambda::LayerVersion')
      layers.set(id, stagedDir(id, s3Key(res.Properties?.Content)));
  }
  const functions = resources.flatMap(([id, res]) => {
    const fnLayers = res.Properties?.Layers;
    return res.Type === 'AWS::Lambda::Function' && Array.isArray(fnLayers)
      ? [{ id, code: res.Properties?.Code, layerRefs: fnLayers as unknown[] }]
      : [];
  });
  const [fnEntry, ...others] = functions;
  if (fnEntry === undefined || others.length > 0) {
    throw new Error(`Expected exactly one function with layers, found ${functions.length}`);
  }
  const fn = stagedDir(fnEntry.id, s3Key(fnEntry.code));
  const fnLayers = fnEntry.layerRefs.map((ref) => {
    const layerId = isRecord(ref) && typeof ref.Ref === 'string' ? ref.Ref : undefined;
    const layer = layerId === undefined ? undefined : layers.get(layerId);
    if (layer === undefined) throw new Error(`${fnEntry.id} uses a layer that is not in this stack`);
    return layer;
  });
  return {
    fn,
    layers: fnLayers,
    totalBytes: fn.sizeBytes + fnLayers.reduce((sum, layer) => sum + layer.sizeBytes, 0),
  };
}

/** One line per asset and the total, for the synth output. */
export function describeSizes(assets: StagedAssets): string {
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return [
    `function ${assets.fn.logicalId}: ${mb(assets.fn.sizeBytes)}`,
    ...assets.layers.map((layer) => `layer ${layer.logicalId}: ${mb(layer.sizeBytes)}`),
    `total unzipped: ${mb(assets.totalBytes)} (Lambda limit ${mb(LAMBDA_UNZIPPED_LIMIT_BYTES)})`,
  ].join('\n');
}
