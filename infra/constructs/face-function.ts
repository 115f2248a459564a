import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias, type Architecture, type ILayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { REPO_ROOT } from '../../layers/build-layers.js';

export interface FaceFunctionProps {
  readonly architecture: Architecture;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency: number | undefined;
  /** Provisioned concurrency on the `live` alias; 0 = none. */
  readonly provisionedConcurrency: number;
  readonly logRetention: RetentionDays;
  readonly tracing: boolean;
  /** The models and runtime layers. */
  readonly layers: readonly ILayerVersion[];
  /** Environment read by `lambda/config.ts`. */
  readonly environment: Readonly<Record<string, string>>;
}

/** Handler entry point, bundled by esbuild. */
export const HANDLER_ENTRY = join(REPO_ROOT, 'lambda', 'handler.ts');

/**
 * First lines of the ESM bundle. Bundled CommonJS code (tfjs, face-api, the AWS SDK) calls
 * `require` for Node built-ins and reads `__dirname`/`__filename`, none of which exist in an ES
 * module; esbuild's `__require` shim uses this `require` when one is in scope.
 */
export const ESM_BANNER = [
  "import { createRequire as __fqCreateRequire } from 'node:module';",
  "import { fileURLToPath as __fqFileURLToPath } from 'node:url';",
  "import { dirname as __fqDirname } from 'node:path';",
  'const require = __fqCreateRequire(import.meta.url);',
  'const __filename = __fqFileURLToPath(import.meta.url);',
  'const __dirname = __fqDirname(__filename);',
].join(' ');

/**
 * The face-quality Lambda function: Node.js 22, ESM bundle built by the local esbuild (no Docker),
 * its own log group and a role that can only write to it (key grants are added by the stack), and a
 * `live` alias on the current version that the API invokes, carrying provisioned concurrency when
 * configured.
 */
export class FaceFunction extends Construct {
  readonly fn: NodejsFunction;
  /** What the API invokes. */
  readonly alias: Alias;
  readonly logGroup: LogGroup;
  /** The execution role: log writes to {@link logGroup} only, plus the grants others add. */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: FaceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'face-quality function: write its own logs, decrypt with the client keys',
    });
    // Instead of the AWSLambdaBasicExecutionRole managed policy (logs:* on every log group).
    this.logGroup.grantWrite(role);
    this.role = role;

    this.fn = new NodejsFunction(this, 'Handler', {
      entry: HANDLER_ENTRY,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: props.architecture,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      reservedConcurrentExecutions: props.reservedConcurrency,
      role,
      logGroup: this.logGroup,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      layers: [...props.layers],
      environment: { ...props.environment },
      description: 'face-quality: POST /quality/face/stateless, GET /quality/face/encryption-key',
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_BANNER,
        // Bundle everything, the AWS SDK included, so the code runs the versions it was tested with;
        // the one native dependency (sharp) is redirected to the runtime layer by the alias below.
        externalModules: [],
        esbuildArgs: { '--alias:sharp': './infra/shims/sharp.ts' },
        minify: true,
        keepNames: true,
        sourceMap: false,
      },
    });

    this.alias = new Alias(this, 'Live', {
      aliasName: 'live',
      version: this.fn.currentVersion,
      provisionedConcurrentExecutions:
        props.provisionedConcurrency > 0 ? props.provisionedConcurrency : undefined,
    });
  }
}
