import { type Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LAYER_MOUNTS } from '../../layers/build-layers.js';

export interface RuntimeLayerProps {
  /** Layer root built by `buildLayers` for {@link architecture} (holds `nodejs/` and `wasm/`). */
  readonly dir: string;
  readonly architecture: Architecture;
  readonly sharpVersion: string;
  readonly tfjsWasmVersion: string;
}

/**
 * What the function cannot bundle: sharp with its native libvips binary for the function's
 * architecture under `/opt/nodejs/node_modules` (loaded through `infra/shims/sharp.ts`), and the
 * tfjs wasm binaries at {@link LAYER_MOUNTS.wasmDir} (`/opt/wasm`).
 */
export class RuntimeLayer extends Construct {
  readonly layer: LayerVersion;
  /** Where the function finds the wasm binaries (env WASM_DIR). */
  readonly wasmDir = LAYER_MOUNTS.wasmDir;

  constructor(scope: Construct, id: string, props: RuntimeLayerProps) {
    super(scope, id);
    this.layer = new LayerVersion(this, 'Layer', {
      code: Code.fromAsset(props.dir),
      description: `face-quality runtime: sharp ${props.sharpVersion} (linux ${props.architecture.name}, glibc), tfjs-backend-wasm ${props.tfjsWasmVersion} wasm`,
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      compatibleArchitectures: [props.architecture],
    });
  }
}
