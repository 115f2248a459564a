/**
 * The synthesized CloudFormation template: what gets deployed, checked without an AWS account.
 * The default configuration is synthesized once with the real esbuild bundling and layer build
 * (as `cdk synth` does); the all-options configuration skips bundling since only its template
 * matters. cdk-nag runs inside every synth, so a finding that is not acknowledged fails it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { GATEWAY_ERRORS } from '../../infra/constructs/face-api.js';
import { ESM_BANNER } from '../../infra/constructs/face-function.js';
import { MEASURED_PEAK_RSS_MB, MIN_MEMORY_MB, readSettings } from '../../infra/settings.js';
import { findStagedAssets, LAMBDA_UNZIPPED_LIMIT_BYTES } from '../../infra/staged-assets.js';
import { ERROR_TABLE } from '../../lambda/http/error-table.js';
import { createLogger } from '../../lambda/observability/logger.js';
import {
  createMetrics,
  METRIC_NAMES,
  METRICS_NAMESPACE,
  recordRequestMetrics,
  SERVICE_NAME,
} from '../../lambda/observability/metrics.js';
import { redirectJsonLines } from '../../lambda/observability/output.js';
import { removeSynthesized, type Synthesized, synth } from './synth.js';

const SYNTH_TIMEOUT_MS = 300_000;

/** Logical id of the only resource of `type` (fails when there are none or several). */
function onlyResource(s: Synthesized, type: string): string {
  const ids = Object.keys(s.template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0] ?? '';
}

/** Every statement of every IAM policy in the template. */
function policyStatements(s: Synthesized): { Action: string | string[]; Resource: unknown }[] {
  return Object.values(s.template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement,
  );
}

/** The statements granting any `kms:` action, with their actions as a list. */
function kmsStatements(s: Synthesized): { actions: string[]; resources: unknown[] }[] {
  return policyStatements(s)
    .map((st) => ({
      actions: Array.isArray(st.Action) ? st.Action : [st.Action],
      resources: Array.isArray(st.Resource) ? st.Resource : [st.Resource],
    }))
    .filter((st) => st.actions.some((a) => a.startsWith('kms:')));
}

const getAtt = (logicalId: string): unknown => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** Fills a gateway response template the way API Gateway would, then parses it. */
function renderGatewayTemplate(template: string): unknown {
  return JSON.parse(
    template
      .replaceAll('$context.requestId', 'req-1')
      .replaceAll('$context.error.messageString', '"gateway says"'),
  );
}

describe('default deployment (real bundling, arm64)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({}, { bundle: true });
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => removeSynthesized(s));

  test('the function runs Node.js 22 on arm64 with 2048 MB, both layers and the production environment', () => {
    const rsaKey = onlyResource(s, 'AWS::KMS::Key');
    const layers = Object.keys(s.template.findResources('AWS::Lambda::LayerVersion'));
    expect(layers).toHaveLength(2);
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 2048,
      Handler: 'index.handler',
      Layers: Match.arrayWith(layers.map((id) => ({ Ref: id }))),
      Environment: {
        Variables: Match.objectEquals({
          KEY_SOURCE: 'kms',
          KMS_RSA_KEY_ARN: getAtt(rsaKey),
          MODELS_DIR: '/opt/models',
          WASM_DIR: '/opt/wasm',
          LOG_LEVEL: 'info',
          TRACING: 'false',
        }),
      },
    });
    const fn = Object.values(s.template.findResources('AWS::Lambda::Function'))[0];
    expect(fn?.Properties.Timeout).toBeLessThanOrEqual(29);
    expect(fn?.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  test('the staged bundle is one ESM file and the layers hold the arm64 sharp binary, models and wasm', () => {
    const assets = findStagedAssets(s.outdir, s.stack.artifactId);
    const bundle = readFileSync(join(assets.fn.dir, 'index.mjs'), 'utf8');
    expect(bundle.startsWith(ESM_BANNER)).toBe(true);
    expect(existsSync(join(assets.fn.dir, 'node_modules'))).toBe(false);
    const layerFile = (rel: string): boolean =>
      assets.layers.some((layer) => existsSync(join(layer.dir, rel)));
    expect(layerFile('models/ssd_mobilenetv1_model.bin')).toBe(true);
    expect(layerFile('models/face_landmark_68_model-weights_manifest.json')).toBe(true);
    // Our trained occlusion head travels in the same layer.
    expect(layerFile('models/heads/occlusion/occlusion.bin')).toBe(true);
    expect(layerFile('models/heads/occlusion/occlusion-weights_manifest.json')).toBe(true);
    expect(layerFile('wasm/tfjs-backend-wasm-simd.wasm')).toBe(true);
    expect(layerFile('nodejs/node_modules/sharp/package.json')).toBe(true);
    expect(layerFile('nodejs/node_modules/@img/sharp-linux-arm64/package.json')).toBe(true);
    expect(layerFile('nodejs/node_modules/@img/sharp-linux-x64/package.json')).toBe(false);
    expect(assets.totalBytes).toBeLessThan(LAMBDA_UNZIPPED_LIMIT_BYTES / 4);
  });

  test('the client key is an RSA_3072 encrypt/decrypt key that survives stack deletion', () => {
    s.template.hasResource('AWS::KMS::Key', {
      Properties: { KeySpec: 'RSA_3072', KeyUsage: 'ENCRYPT_DECRYPT' },
      DeletionPolicy: 'Retain',
    });
  });

  test('the function may only Decrypt and GetPublicKey, on exactly the client key', () => {
    const rsaKey = onlyResource(s, 'AWS::KMS::Key');
    const statements = kmsStatements(s);
    expect(statements.flatMap((st) => st.actions).sort()).toEqual(['kms:Decrypt', 'kms:GetPublicKey']);
    for (const st of statements) expect(st.resources).toEqual([getAtt(rsaKey)]);
    for (const st of policyStatements(s)) expect(JSON.stringify(st.Resource)).not.toMatch(/"\*"/);
    expect(
      s.template.findResources('AWS::IAM::Role', { Properties: { ManagedPolicyArns: Match.anyValue() } }),
    ).toEqual({});
  });

  test('POST /quality/face/stateless and GET /quality/face/encryption-key proxy to the live alias', () => {
    const alias = onlyResource(s, 'AWS::Lambda::Alias');
    for (const part of ['quality', 'face', 'stateless', 'encryption-key']) {
      s.template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: part });
    }
    const methods = Object.values(s.template.findResources('AWS::ApiGateway::Method')).map(
      (m) => m.Properties,
    );
    expect(methods.map((m) => m.HttpMethod).sort()).toEqual(['GET', 'POST']);
    for (const method of methods) {
      expect(method.Integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(method.Integration.Uri)).toContain(alias);
      expect(method.ApiKeyRequired).toBe(false);
    }
    // The function, not API Gateway, judges requests: a POST without Content-Type must reach it.
    for (const method of methods) {
      expect(method.RequestParameters).toBeUndefined();
      expect(method.RequestValidatorId).toBeUndefined();
    }
    expect(s.template.findResources('AWS::ApiGateway::RequestValidator')).toEqual({});
    expect(s.template.findResources('AWS::ApiGateway::UsagePlan')).toEqual({});
  });

  test('no binary media types: multipart bodies reach Lambda as text, not base64 (+33 %)', () => {
    const api = Object.values(s.template.findResources('AWS::ApiGateway::RestApi'))[0]?.Properties;
    expect(api).toBeDefined();
    expect(api.BinaryMediaTypes).toBeUndefined();
  });

  test('the stage throttles, writes JSON access logs and never logs bodies', () => {
    const stage = Object.values(s.template.findResources('AWS::ApiGateway::Stage'))[0]?.Properties;
    expect(stage.MethodSettings).toEqual([
      expect.objectContaining({
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 100,
        DataTraceEnabled: false,
      }),
    ]);
    const format: unknown = JSON.parse(stage.AccessLogSetting.Format);
    expect(format).toEqual(
      expect.objectContaining({ requestId: '$context.requestId', status: '$context.status' }),
    );
  });

  test('API Gateway errors answer in the contract shape with the request id', () => {
    const responses = Object.values(s.template.findResources('AWS::ApiGateway::GatewayResponse')).map(
      (r) => r.Properties,
    );
    expect(responses).toHaveLength(GATEWAY_ERRORS.length);
    for (const response of responses) {
      const body = renderGatewayTemplate(response.ResponseTemplates['application/json']);
      expect(body).toEqual({ code: expect.any(Number), message: expect.any(String), request_id: 'req-1' });
    }
    const byType = (type: string) => responses.find((r) => r.ResponseType === type);
    expect(byType('REQUEST_TOO_LARGE')?.StatusCode).toBe('413');
    expect(renderGatewayTemplate(byType('REQUEST_TOO_LARGE')?.ResponseTemplates['application/json'])).toEqual(
      expect.objectContaining({ code: ERROR_TABLE.CONTENT_TOO_LARGE.code }),
    );
    expect(byType('MISSING_AUTHENTICATION_TOKEN')?.StatusCode).toBe('404');
    expect(byType('THROTTLED')?.StatusCode).toBe('429');
    expect(byType('INVALID_API_KEY')?.StatusCode).toBe('403');
    expect(byType('DEFAULT_5XX')).toBeDefined();
  });

  test('both log groups expire after 30 days', () => {
    const groups = Object.values(s.template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(2);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });

  test('alarms on 5xx rate, throttles, p95 duration, errors and the EMF InternalErrors metric notify SNS', () => {
    const topic = onlyResource(s, 'AWS::SNS::Topic');
    const alarms = Object.values(s.template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const metric = (name: string) => alarms.find((a) => a.MetricName === name);
    expect(metric('5XXError')).toEqual(
      expect.objectContaining({ Namespace: 'AWS/ApiGateway', Threshold: 0.01 }),
    );
    expect(metric('Throttles')).toEqual(expect.objectContaining({ Namespace: 'AWS/Lambda' }));
    expect(metric('Duration')).toEqual(
      expect.objectContaining({ ExtendedStatistic: 'p95', Threshold: 3000 }),
    );
    expect(metric('Errors')).toEqual(expect.objectContaining({ Namespace: 'AWS/Lambda' }));
    expect(metric(METRIC_NAMES.internalErrors)).toEqual(
      expect.objectContaining({ Namespace: METRICS_NAMESPACE }),
    );
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topic }]);
  });

  test('the InternalErrors alarm watches exactly the metric Powertools emits for a 5xx answer', () => {
    const alarm = Object.values(s.template.findResources('AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties)
      .find((a) => a.MetricName === METRIC_NAMES.internalErrors);
    const emitted: Record<string, unknown>[] = [];
    const stop = redirectJsonLines((line) => emitted.push(JSON.parse(line) as Record<string, unknown>));
    try {
      const metrics = createMetrics(createLogger({ level: 'warn', service: SERVICE_NAME }));
      recordRequestMetrics(metrics, { totalMs: 3, stageMs: {}, resultCode: 500, status: 500 });
      metrics.publishStoredMetrics();
    } finally {
      stop();
    }
    type Directive = { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] };
    const doc = emitted.find((d) => alarm?.MetricName in d);
    const directive = (doc?._aws as { CloudWatchMetrics: Directive[] } | undefined)?.CloudWatchMetrics.find(
      (d) => d.Metrics.some((m) => m.Name === alarm?.MetricName),
    );
    // CloudWatch matches a metric by namespace, name and the exact set of dimensions.
    expect(directive?.Namespace).toBe(alarm?.Namespace);
    const alarmDimensions = (alarm?.Dimensions as { Name: string; Value: string }[]) ?? [];
    expect(directive?.Dimensions).toContainEqual(alarmDimensions.map((d) => d.Name));
    for (const { Name, Value } of alarmDimensions) expect(doc?.[Name]).toBe(Value);
    expect(doc?.[String(alarm?.MetricName)]).toBe(1);
  });

  test('outputs give the API URL, the key ARN and the command to fetch the public key', () => {
    const outputs = s.template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['ApiUrl', 'EncryptionKeyUrl', 'RsaKeyArn', 'FetchPublicKeyCommand']),
    );
    expect(JSON.stringify(outputs.FetchPublicKeyCommand)).toContain('aws kms get-public-key');
  });

  test('cdk-nag ran and left no unacknowledged finding', () => {
    const report: unknown = JSON.parse(readFileSync(join(s.outdir, 'validation-report.json'), 'utf8'));
    expect(report).toEqual(expect.objectContaining({ pluginReports: [] }));
  });
});

describe('every option switched on (template only)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth(
      {
        arch: 'x86_64',
        memoryMb: '3008',
        apiKeys: 'true',
        symmetricKey: 'true',
        rsaKeyGenerations: 'a,b',
        allowedOrigins: 'https://app.example.com',
        tracing: 'true',
        executionLogs: 'true',
        reservedConcurrency: '5',
        provisionedConcurrency: '2',
        alarmEmail: 'ops@example.com',
      },
      { bundle: false },
    );
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => removeSynthesized(s));

  const keyIds = (): { old: string; current: string; symmetric: string } => {
    const keys = s.template.findResources('AWS::KMS::Key');
    const find = (pattern: RegExp): string => Object.keys(keys).find((id) => pattern.test(id)) ?? '';
    return { old: find(/Rsaa/), current: find(/Rsab/), symmetric: find(/Symmetric/) };
  };

  test('x86_64, concurrency, tracing and the CORS origin reach the function', () => {
    const { old, current, symmetric } = keyIds();
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['x86_64'],
      MemorySize: 3008,
      ReservedConcurrentExecutions: 5,
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          KMS_RSA_KEY_ARN: getAtt(current),
          KMS_RSA_PREVIOUS_KEY_ARNS: getAtt(old),
          KMS_SYMMETRIC_KEY_ARNS: getAtt(symmetric),
          ALLOWED_ORIGINS: 'https://app.example.com',
          TRACING: 'true',
        }),
      },
    });
    s.template.hasResourceProperties('AWS::Lambda::Alias', {
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 },
    });
    s.template.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleArchitectures: ['x86_64'] });
  });

  test('Decrypt covers the old, current and symmetric keys; GetPublicKey only the current one', () => {
    const { old, current, symmetric } = keyIds();
    s.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const statements = kmsStatements(s);
    const decrypt = statements
      .filter((st) => st.actions.includes('kms:Decrypt'))
      .flatMap((st) => st.resources);
    expect(decrypt).toEqual(expect.arrayContaining([getAtt(old), getAtt(current), getAtt(symmetric)]));
    expect(decrypt).toHaveLength(3);
    const publicKey = statements
      .filter((st) => st.actions.includes('kms:GetPublicKey'))
      .flatMap((st) => st.resources);
    expect(publicKey).toEqual([getAtt(current)]);
  });

  test('routes require an API key (preflights do not) and a usage plan holds the key', () => {
    const methods = Object.values(s.template.findResources('AWS::ApiGateway::Method')).map(
      (m) => m.Properties,
    );
    for (const method of methods) expect(method.ApiKeyRequired).toBe(method.HttpMethod !== 'OPTIONS');
    expect(methods.filter((m) => m.HttpMethod === 'OPTIONS')).toHaveLength(2);
    s.template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 50, BurstLimit: 100 },
    });
    onlyResource(s, 'AWS::ApiGateway::UsagePlanKey');
    s.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseParameters: Match.objectLike({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
      }),
    });
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

describe('cdk-nag', () => {
  test(
    'an unacknowledged finding fails the synth',
    () => {
      expect(() => synth({}, { bundle: false, mutate: (stack) => new Topic(stack, 'PlainTopic') })).toThrow(
        /AwsSolutions-SNS3/,
      );
    },
    SYNTH_TIMEOUT_MS,
  );
});

describe('settings', () => {
  const read = (context: Record<string, unknown>) => readSettings(new App({ context }).node);

  test('defaults: arm64, 2048 MB, 28 s, one RSA key generation', () => {
    expect(read({})).toEqual(
      expect.objectContaining({
        arch: 'arm64',
        memoryMb: 2048,
        timeoutSeconds: 28,
        rsaKeyGenerations: ['1'],
      }),
    );
  });

  test('the memory floor holds the measured peak of a 50 MP photo, and the default is above it', () => {
    expect(MIN_MEMORY_MB).toBeGreaterThanOrEqual(MEASURED_PEAK_RSS_MB * 1.25);
    expect(read({}).memoryMb).toBeGreaterThanOrEqual(MIN_MEMORY_MB);
    expect(read({ memoryMb: String(MIN_MEMORY_MB) }).memoryMb).toBe(MIN_MEMORY_MB);
  });

  test('command-line strings and cdk.json values are read alike', () => {
    expect(
      read({ memoryMb: '4096', tracing: 'true', allowedOrigins: 'https://a.example, https://b.example' }),
    ).toEqual(
      expect.objectContaining({
        memoryMb: 4096,
        tracing: true,
        allowedOrigins: ['https://a.example', 'https://b.example'],
      }),
    );
    expect(read({ memoryMb: 4096, tracing: true, allowedOrigins: ['https://a.example'] })).toEqual(
      expect.objectContaining({ memoryMb: 4096, tracing: true, allowedOrigins: ['https://a.example'] }),
    );
  });

  test.each([
    [{ timeoutSeconds: '30' }, /timeoutSeconds/],
    [{ memoryMb: 'lots' }, /memoryMb/],
    [{ memoryMb: String(MIN_MEMORY_MB - 1) }, /memoryMb/],
    [{ arch: 'mips' }, /arch/],
    [{ logRetentionDays: '4' }, /logRetentionDays/],
    [{ allowedOrigins: 'https://a.example/path' }, /allowedOrigins/],
    [{ rsaKeyGenerations: 'a,a' }, /rsaKeyGenerations/],
    [{ reservedConcurrency: '2', provisionedConcurrency: '3' }, /provisionedConcurrency/],
    [{ localKeyDir: '/var/task/keys' }, /localKeyDir/],
    [{ allowedOrigins: '*,https://a.example' }, /allowedOrigins/],
  ])('rejects %j', (context, message) => {
    expect(() => read(context)).toThrow(message);
  });
});
