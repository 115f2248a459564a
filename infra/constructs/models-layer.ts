import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LAYER_MOUNTS } from '../../layers/build-layers.js';

export interface ModelsLayerProps {
  /** Layer root built by `buildLayers` (holds `models/`). */
  readonly dir: string;
  /** face-api version the weights come from, for the description. */
  readonly faceApiVersion: string;
}

/**
 * The model weights, mounted at {@link LAYER_MOUNTS.modelsDir} (`/opt/models`): face-api's SSD
 * MobileNet v1 and 68-point landmark weights and everything committed under `models/` (BlazeFace
 * and FaceMesh in `human/`, custom heads). Plain data, so the
 * same layer serves both architectures.
 */
export class ModelsLayer extends Construct {
  readonly layer: LayerVersion;
  /** Where the function finds the weights (env MODELS_DIR). */
  readonly modelsDir = LAYER_MOUNTS.modelsDir;

  constructor(scope: Construct, id: string, props: ModelsLayerProps) {
    super(scope, id);
    this.layer = new LayerVersion(this, 'Layer', {
      code: Code.fromAsset(props.dir),
      description: `face-quality model weights (@vladmandic/face-api ${props.faceApiVersion} ssd_mobilenetv1 + face_landmark_68, human-models blazeface-back + facemesh)`,
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      compatibleArchitectures: [Architecture.ARM_64, Architecture.X86_64],
    });
  }
}
