import { Aws, CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { LayerDirs } from '../layers/build-layers.js';
import { Alarms } from './constructs/alarms.js';
import { ClientKeys } from './constructs/client-keys.js';
import { FaceApi, ROUTES } from './constructs/face-api.js';
import { FaceFunction } from './constructs/face-function.js';
import { ModelsLayer } from './constructs/models-layer.js';
import { RuntimeLayer } from './constructs/runtime-layer.js';
import type { StackSettings } from './settings.js';

export interface FaceQualityStackProps extends StackProps {
  readonly settings: StackSettings;
  /** Layer folders built for `settings.arch`. */
  readonly layerDirs: LayerDirs;
}

/**
 * face-quality: the function with its two layers, the client keys, the REST API and the alarms.
 * The environment passed to the function is the production one: keys from KMS, models and wasm
 * from the layers.
 */
export class FaceQualityStack extends Stack {
  readonly keys: ClientKeys;
  readonly function: FaceFunction;
  readonly api: FaceApi;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: FaceQualityStackProps) {
    super(scope, id, props);
    const { settings, layerDirs } = props;
    const architecture = settings.arch === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64;

    this.keys = new ClientKeys(this, 'Keys', {
      aliasPrefix: settings.stackName,
      rsaKeyGenerations: settings.rsaKeyGenerations,
      symmetricKey: settings.symmetricKey,
    });
    const models = new ModelsLayer(this, 'ModelsLayer', {
      dir: layerDirs.modelsLayerDir,
      faceApiVersion: layerDirs.versions.faceApi,
    });
    const runtime = new RuntimeLayer(this, 'RuntimeLayer', {
      dir: layerDirs.runtimeLayerDir,
      architecture,
      sharpVersion: layerDirs.versions.sharp,
      tfjsWasmVersion: layerDirs.versions.tfjsWasm,
    });

    const environment: Record<string, string> = {
      KEY_SOURCE: 'kms',
      KMS_RSA_KEY_ARN: this.keys.currentRsaKey.keyArn,
      MODELS_DIR: models.modelsDir,
      WASM_DIR: runtime.wasmDir,
      LOG_LEVEL: settings.logLevel,
      // Powertools' Tracer follows the function's active tracing.
      TRACING: String(settings.tracing),
    };
    if (this.keys.previousRsaKeys.length > 0) {
      environment.KMS_RSA_PREVIOUS_KEY_ARNS = this.keys.previousRsaKeys.map((k) => k.keyArn).join(',');
    }
    if (this.keys.symmetricKey !== undefined) {
      environment.KMS_SYMMETRIC_KEY_ARNS = this.keys.symmetricKey.keyArn;
    }
    if (settings.allowedOrigins.length > 0) environment.ALLOWED_ORIGINS = settings.allowedOrigins.join(',');
    if (settings.localKeyDir !== undefined) environment.LOCAL_KEY_DIR = settings.localKeyDir;

    this.function = new FaceFunction(this, 'Function', {
      architecture,
      memoryMb: settings.memoryMb,
      timeoutSeconds: settings.timeoutSeconds,
      reservedConcurrency: settings.reservedConcurrency,
      provisionedConcurrency: settings.provisionedConcurrency,
      logRetention: settings.logRetentionDays,
      tracing: settings.tracing,
      layers: [models.layer, runtime.layer],
      environment,
    });
    this.keys.grantToFunction(this.function.fn);

    this.api = new FaceApi(this, 'Api', {
      handler: this.function.alias,
      allowedOrigins: settings.allowedOrigins,
      apiKeys: settings.apiKeys,
      throttleRateLimit: settings.throttleRateLimit,
      throttleBurstLimit: settings.throttleBurstLimit,
      logRetention: settings.logRetentionDays,
      tracing: settings.tracing,
      executionLogs: settings.executionLogs,
    });

    this.alarms = new Alarms(this, 'Alarms', {
      api: this.api.api,
      fn: this.function.fn,
      alarmEmail: settings.alarmEmail,
      fiveXxRatePercent: settings.alarm5xxRatePercent,
      p95DurationMs: settings.alarmP95DurationMs,
    });

    this.addOutputs();
    this.acknowledgeNagFindings(settings);
  }

  private addOutputs(): void {
    const rsaKeyArn = this.keys.currentRsaKey.keyArn;
    new CfnOutput(this, 'ApiBaseUrl', {
      description: 'Base URL (with the stage) for the face-quality CLI --url',
      value: this.api.api.url,
    });
    new CfnOutput(this, 'ApiUrl', {
      description: 'POST an encrypted_image here',
      value: this.api.api.urlForPath(ROUTES.stateless.path),
    });
    new CfnOutput(this, 'EncryptionKeyUrl', {
      description: 'GET the public key and keyring parameters clients encrypt with',
      value: this.api.api.urlForPath(ROUTES.encryptionKey.path),
    });
    new CfnOutput(this, 'RsaKeyArn', { description: 'Current client RSA key (KMS)', value: rsaKeyArn });
    new CfnOutput(this, 'FetchPublicKeyCommand', {
      description: 'Writes the current public key (DER, SubjectPublicKeyInfo) to public-key.der',
      value: `aws kms get-public-key --region ${Aws.REGION} --key-id ${rsaKeyArn} --query PublicKey --output text | base64 --decode > public-key.der`,
    });
    if (this.keys.symmetricKey !== undefined) {
      new CfnOutput(this, 'SymmetricKeyArn', {
        description: 'KMS key for server-side callers (Encryption SDK KMS keyring)',
        value: this.keys.symmetricKey.keyArn,
      });
    }
    if (this.api.apiKey !== undefined) {
      new CfnOutput(this, 'FetchApiKeyCommand', {
        description: 'Prints the client API key (send it as the x-api-key header)',
        value: `aws apigateway get-api-key --region ${Aws.REGION} --api-key ${this.api.apiKey.keyId} --include-value --query value --output text`,
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
  }

  /** cdk-nag findings this design accepts, each with its reason. */
  private acknowledgeNagFindings(settings: StackSettings): void {
    const stack = Validations.of(this);
    stack.acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'The SenseID contract has no caller authentication: the payload is end-to-end encrypted for a KMS key and the API can require an API key (-c apiKeys=true); CORS preflights are unauthenticated by design.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'No Cognito users: callers are devices and servers, optionally identified by API key (see APIG4).',
      },
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'The function validates every request itself (a missing Content-Type reads as urlencoded, as the README documents); an API Gateway validator would only add a second, divergent set of 400 answers.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'No WAF by default (about $5/month plus per-request fees); stage throttling and the usage plan bound abuse. Attach a web ACL to the stage where required.',
      },
    );
    Validations.of(this.function.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: it is the runtime the bundle targets (esbuild target node22) and the one the layers and tests are built for; moving runtime is a tested change, not an automatic one.',
    });
    if (settings.tracing) {
      Validations.of(this.function.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing (-c tracing=true): xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
      });
    }
    if (settings.executionLogs) {
      Validations.of(this.api.api).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'Execution logs (-c executionLogs=true) need the account-level API Gateway role; AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for it.',
      });
    } else {
      Validations.of(this.api.api).acknowledge({
        id: 'AwsSolutions-APIG6',
        reason:
          'JSON access logs record every request; execution logs need the account-wide API Gateway CloudWatch role, so they are opt-in (-c executionLogs=true).',
      });
    }
  }
}
