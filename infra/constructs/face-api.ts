import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  type IApiKey,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ERROR_TABLE } from '../../lambda/http/error-table.js';

export interface FaceApiProps {
  /** What both routes invoke (the function's `live` alias). */
  readonly handler: IFunction;
  readonly allowedOrigins: readonly string[];
  readonly apiKeys: boolean;
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  readonly logRetention: RetentionDays;
  readonly tracing: boolean;
  readonly executionLogs: boolean;
}

/** Stage name, the first path segment of every URL. */
export const STAGE_NAME = 'prod';

/** The two routes, as paths under the stage. */
export const ROUTES = Object.freeze({
  stateless: { path: '/quality/face/stateless', method: 'POST' },
  encryptionKey: { path: '/quality/face/encryption-key', method: 'GET' },
});

/**
 * Errors that API Gateway answers itself, before or instead of the function, rewritten to the
 * contract's body `{code, message, request_id}` with `$context.requestId` (the same id the function
 * reports). Codes follow `lambda/http/error-table.ts`: contract codes where the contract has one
 * (2004 for a body over API Gateway's 10 MB, 1200 for a rejected request), else the HTTP status.
 * `message: undefined` keeps API Gateway's own message.
 */
export const GATEWAY_ERRORS: readonly {
  readonly type: ResponseType;
  readonly status: number | undefined;
  readonly code: number;
  readonly message: string | undefined;
}[] = [
  // REST APIs answer an unknown route or method with 403 "Missing Authentication Token".
  {
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: ERROR_TABLE.NOT_FOUND.status,
    code: ERROR_TABLE.NOT_FOUND.code,
    message: 'not found',
  },
  {
    type: ResponseType.RESOURCE_NOT_FOUND,
    status: ERROR_TABLE.NOT_FOUND.status,
    code: ERROR_TABLE.NOT_FOUND.code,
    message: 'not found',
  },
  {
    type: ResponseType.REQUEST_TOO_LARGE,
    status: ERROR_TABLE.CONTENT_TOO_LARGE.status,
    code: ERROR_TABLE.CONTENT_TOO_LARGE.code,
    message: 'invalid content length: request body too large',
  },
  { type: ResponseType.THROTTLED, status: 429, code: 429, message: 'too many requests' },
  { type: ResponseType.QUOTA_EXCEEDED, status: 429, code: 429, message: 'quota exceeded' },
  { type: ResponseType.INVALID_API_KEY, status: 403, code: 403, message: 'missing or invalid API key' },
  { type: ResponseType.ACCESS_DENIED, status: 403, code: 403, message: undefined },
  // Everything else keeps its status; a client error gets the contract's "invalid argument" code.
  {
    type: ResponseType.DEFAULT_4XX,
    status: undefined,
    code: ERROR_TABLE.INVALID_ARGUMENT.code,
    message: undefined,
  },
  // Integration failures and timeouts: never leak details, same body as the function's INTERNAL.
  {
    type: ResponseType.DEFAULT_5XX,
    status: undefined,
    code: ERROR_TABLE.INTERNAL.code,
    message: 'internal error',
  },
];

/** The response template of one gateway error (a Velocity template producing JSON). */
export function gatewayErrorTemplate(code: number, message: string | undefined): string {
  const messageJson = message === undefined ? '$context.error.messageString' : JSON.stringify(message);
  return `{"code":${code},"message":${messageJson},"request_id":"$context.requestId"}`;
}

/** One JSON line per request; no bodies, headers or API key values. */
const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  apiKeyId: '$context.identity.apiKeyId',
  responseLength: '$context.responseLength',
  responseLatencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  errorType: '$context.error.responseType',
  errorMessage: '$context.error.message',
  xrayTraceId: '$context.xrayTraceId',
};

/**
 * The REST API: `POST /quality/face/stateless` and `GET /quality/face/encryption-key`, both Lambda
 * proxy integrations of the same function; stage-wide throttling, JSON access logs, CORS for the
 * configured origins, optional API keys with a usage plan, and gateway responses in the contract's
 * error shape.
 */
export class FaceApi extends Construct {
  readonly api: RestApi;
  readonly accessLogs: LogGroup;
  /** The client API key, when API keys are enabled. */
  readonly apiKey: IApiKey | undefined;

  constructor(scope: Construct, id: string, props: FaceApiProps) {
    super(scope, id);
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new RestApi(this, 'Api', {
      description: 'face-quality: SenseID-compatible POST /quality/face/stateless',
      endpointTypes: [EndpointType.REGIONAL],
      // The account-wide CloudWatch role is only needed (and only created) for execution logs.
      cloudWatchRole: props.executionLogs,
      // No binaryMediaTypes: every accepted body (form, multipart, JSON) carries the photo as base64
      // text, and a binary type would make API Gateway base64-encode it again (+33 %) before
      // Lambda's 6 MB event limit. Keep `lambda/local/event.ts` in step with this.
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: props.throttleRateLimit,
        throttlingBurstLimit: props.throttleBurstLimit,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        tracingEnabled: props.tracing,
        // Never log request or response bodies: they carry encrypted photos and face data.
        dataTraceEnabled: false,
        ...(props.executionLogs ? { loggingLevel: MethodLoggingLevel.ERROR } : {}),
      },
    });

    const integration = new LambdaIntegration(props.handler, { proxy: true, allowTestInvoke: false });
    const cors =
      props.allowedOrigins.length > 0
        ? {
            allowOrigins: [...props.allowedOrigins],
            allowMethods: ['GET', 'POST', 'OPTIONS'],
            allowHeaders: ['Content-Type', 'X-Api-Key'],
            maxAge: Duration.hours(1),
          }
        : undefined;

    const face = this.api.root.addResource('quality').addResource('face');
    face
      .addResource('stateless', { defaultCorsPreflightOptions: cors })
      .addMethod(ROUTES.stateless.method, integration, {
        // No request validation here: the function validates every request (a missing Content-Type
        // reads as urlencoded), so the deployed API answers exactly as the local server does.
        apiKeyRequired: props.apiKeys,
      });
    face
      .addResource('encryption-key', { defaultCorsPreflightOptions: cors })
      .addMethod(ROUTES.encryptionKey.method, integration, {
        apiKeyRequired: props.apiKeys,
      });

    // Browsers only read an error body carrying the CORS header. A gateway response header is a
    // static value or a copy of a request parameter, never a choice among allowed origins, so it is
    // only set for a single origin (the function itself echoes any allowed origin). Nor can a header
    // come from `$context.requestId`, so these errors carry no `x-request-id`: the id is in the body
    // (and in API Gateway's own `x-amzn-RequestId` header). See docs/deploy.md.
    const corsHeader: Record<string, string> = {};
    const [onlyOrigin, ...otherOrigins] = props.allowedOrigins;
    if (onlyOrigin !== undefined && otherOrigins.length === 0) {
      corsHeader['Access-Control-Allow-Origin'] = `'${onlyOrigin}'`;
    }
    for (const error of GATEWAY_ERRORS) {
      this.api.addGatewayResponse(`Gateway${error.type.responseType}`, {
        type: error.type,
        statusCode: error.status === undefined ? undefined : String(error.status),
        responseHeaders: { 'Content-Type': "'application/json'", ...corsHeader },
        templates: { 'application/json': gatewayErrorTemplate(error.code, error.message) },
      });
    }

    if (props.apiKeys) {
      const plan = this.api.addUsagePlan('UsagePlan', {
        description: 'face-quality clients',
        throttle: { rateLimit: props.throttleRateLimit, burstLimit: props.throttleBurstLimit },
        apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
      });
      const apiKey = this.api.addApiKey('ClientKey', { description: 'face-quality client key' });
      plan.addApiKey(apiKey);
      this.apiKey = apiKey;
    } else {
      this.apiKey = undefined;
    }
  }
}
