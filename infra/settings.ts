/**
 * The deployment settings, read from CDK context (`cdk.json` defaults, overridden with
 * `-c key=value`). Values given on the command line arrive as strings, values from `cdk.json` as
 * JSON, so every reader accepts both. A malformed value fails the synth with the key's name.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import type { LambdaArch } from '../layers/build-layers.js';

export interface StackSettings {
  /** CloudFormation stack name (also prefixes the KMS aliases). */
  readonly stackName: string;
  /** Lambda architecture; the runtime layer is built for it. */
  readonly arch: LambdaArch;
  /** Function memory in MB (CPU share grows with it); at least {@link MIN_MEMORY_MB}. */
  readonly memoryMb: number;
  /** Function timeout in seconds, at most API Gateway's 29 s integration timeout. */
  readonly timeoutSeconds: number;
  /** Reserved concurrency; undefined = the account's unreserved pool. */
  readonly reservedConcurrency: number | undefined;
  /** Provisioned concurrency on the `live` alias; 0 = none. */
  readonly provisionedConcurrency: number;
  /** Retention of the function's and the API's log groups. */
  readonly logRetentionDays: RetentionDays;
  /** LOG_LEVEL passed to the function. */
  readonly logLevel: string;
  /** X-Ray tracing on the function and the API stage. */
  readonly tracing: boolean;
  /** Web origins allowed by CORS (also passed to the function as ALLOWED_ORIGINS). */
  readonly allowedOrigins: readonly string[];
  /** Require an API key (header `x-api-key`) and create a usage plan with one key. */
  readonly apiKeys: boolean;
  /** Stage-wide steady-state request rate, requests per second. */
  readonly throttleRateLimit: number;
  /** Stage-wide burst, requests. */
  readonly throttleBurstLimit: number;
  /** API Gateway execution logs at ERROR level (needs the account-wide API Gateway CloudWatch role). */
  readonly executionLogs: boolean;
  /**
   * Generations of the clients' RSA key, oldest first. The last one is current (served by
   * `GET /quality/face/encryption-key`); the others are still accepted for decryption during a
   * rotation's grace period.
   */
  readonly rsaKeyGenerations: readonly string[];
  /** Create a symmetric KMS key for server-side callers. */
  readonly symmetricKey: boolean;
  /** Email subscribed to the alarm topic; undefined = no subscription. */
  readonly alarmEmail: string | undefined;
  /** Alarm when the API's 5XXError rate exceeds this percentage of requests. */
  readonly alarm5xxRatePercent: number;
  /** Alarm when the function's p95 duration exceeds this many milliseconds. */
  readonly alarmP95DurationMs: number;
  /**
   * LOCAL_KEY_DIR for the function, only for running the synthesized template under `sam local`
   * with KEY_SOURCE=local (SAM only lets an env file override variables the template declares).
   */
  readonly localKeyDir: string | undefined;
}

/**
 * Peak RSS of one request with the largest accepted image (50 MP, 8192×6103 progressive JPEG, the
 * costliest of the cases `scripts/peak-memory.ts` measures: 741 MB, of which 399 MB after init;
 * a baseline JPEG peaks at 448 MB; 751 MB with the engine before the detector cascade), MB,
 * rounded up. Measured 2026-12-02, Node 20, x64, wasm backend.
 */
export const MEASURED_PEAK_RSS_MB = 760;

/**
 * Smallest function memory accepted: the measured peak plus 25 % headroom (the Lambda runtime,
 * allocator slack, other builds of the dependencies), rounded up to a multiple of 64 MB. A smaller
 * function would be killed by Lambda on the largest photos the API accepts.
 */
export const MIN_MEMORY_MB = Math.ceil((MEASURED_PEAK_RSS_MB * 1.25) / 64) * 64;

/** API Gateway REST's maximum integration timeout (default quota), seconds. */
export const API_GATEWAY_TIMEOUT_SECONDS = 29;

/** Reads one context value; undefined when absent or an empty string. */
function raw(node: Node, key: string): unknown {
  const value: unknown = node.tryGetContext(key);
  return value === '' ? undefined : value;
}

function fail(key: string, expected: string, value: unknown): never {
  throw new Error(`Context "${key}" must be ${expected}, got ${JSON.stringify(value)}`);
}

function readNumber(node: Node, key: string, fallback: number, min: number, max: number): number {
  const value = raw(node, key);
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) fail(key, `an integer in [${min}, ${max}]`, value);
  return n;
}

function readOptionalNumber(node: Node, key: string, min: number, max: number): number | undefined {
  return raw(node, key) === undefined ? undefined : readNumber(node, key, min, min, max);
}

function readBoolean(node: Node, key: string, fallback: boolean): boolean {
  const value = raw(node, key);
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(key, 'true or false', value);
}

function readString(node: Node, key: string, fallback: string, pattern: RegExp): string {
  const value = raw(node, key) ?? fallback;
  if (typeof value !== 'string' || !pattern.test(value)) fail(key, `a string matching ${pattern}`, value);
  return value;
}

/** A list from a JSON array (cdk.json), a JSON array string or a comma-separated string (`-c`). */
function readList(node: Node, key: string, fallback: readonly string[], item: RegExp): readonly string[] {
  const value = raw(node, key);
  if (value === undefined) return fallback;
  let list: unknown = value;
  if (typeof value === 'string') {
    list = value.trim().startsWith('[')
      ? JSON.parse(value)
      : value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  }
  if (!Array.isArray(list) || !list.every((s): s is string => typeof s === 'string' && item.test(s))) {
    return fail(key, `a list of strings matching ${item}`, value);
  }
  return Object.freeze([...list]);
}

const RETENTION_VALUES: ReadonlySet<number> = new Set(
  Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'),
);

function readRetention(node: Node, key: string, fallback: RetentionDays): RetentionDays {
  const days = readNumber(node, key, fallback, 1, 3653);
  if (!RETENTION_VALUES.has(days)) {
    fail(key, `one of CloudWatch Logs' retention values (${[...RETENTION_VALUES].join(', ')})`, days);
  }
  return days as RetentionDays;
}

/** An origin as browsers send it (scheme, host, optional port, no path), or `*` for any. */
const ORIGIN = /^(\*|https?:\/\/[a-z0-9.-]+(:\d{1,5})?)$/i;

/** Reads and validates every setting from the context visible at `node` (usually the App's). */
export function readSettings(node: Node): StackSettings {
  const arch = readString(node, 'arch', 'arm64', /^(arm64|x86_64)$/) as LambdaArch;
  const generations = readList(node, 'rsaKeyGenerations', ['1'], /^[A-Za-z0-9]{1,16}$/);
  if (generations.length === 0 || new Set(generations).size !== generations.length) {
    fail('rsaKeyGenerations', 'a non-empty list of distinct names', generations);
  }
  const settings: StackSettings = {
    stackName: readString(node, 'stackName', 'FaceQuality', /^[A-Za-z][A-Za-z0-9-]{0,63}$/),
    arch,
    memoryMb: readNumber(node, 'memoryMb', 2048, MIN_MEMORY_MB, 10240),
    timeoutSeconds: readNumber(node, 'timeoutSeconds', 28, 1, API_GATEWAY_TIMEOUT_SECONDS),
    reservedConcurrency: readOptionalNumber(node, 'reservedConcurrency', 1, 10000),
    provisionedConcurrency: readNumber(node, 'provisionedConcurrency', 0, 0, 10000),
    logRetentionDays: readRetention(node, 'logRetentionDays', RetentionDays.ONE_MONTH),
    logLevel: readString(node, 'logLevel', 'info', /^(debug|info|warn|error)$/),
    tracing: readBoolean(node, 'tracing', false),
    allowedOrigins: readList(node, 'allowedOrigins', [], ORIGIN),
    apiKeys: readBoolean(node, 'apiKeys', false),
    throttleRateLimit: readNumber(node, 'throttleRateLimit', 50, 1, 100000),
    throttleBurstLimit: readNumber(node, 'throttleBurstLimit', 100, 1, 100000),
    executionLogs: readBoolean(node, 'executionLogs', false),
    rsaKeyGenerations: generations,
    symmetricKey: readBoolean(node, 'symmetricKey', false),
    alarmEmail:
      raw(node, 'alarmEmail') === undefined
        ? undefined
        : readString(node, 'alarmEmail', '', /^[^@\s]+@[^@\s]+$/),
    alarm5xxRatePercent: readNumber(node, 'alarm5xxRatePercent', 1, 1, 100),
    alarmP95DurationMs: readNumber(node, 'alarmP95DurationMs', 3000, 100, API_GATEWAY_TIMEOUT_SECONDS * 1000),
    localKeyDir:
      raw(node, 'localKeyDir') === undefined
        ? undefined
        : readString(node, 'localKeyDir', '', /^\/tmp(\/[\w.-]+)+$/),
  };
  if (settings.allowedOrigins.includes('*') && settings.allowedOrigins.length > 1) {
    fail('allowedOrigins', '"*" alone or a list of origins', settings.allowedOrigins);
  }
  if (
    settings.reservedConcurrency !== undefined &&
    settings.provisionedConcurrency > settings.reservedConcurrency
  ) {
    fail(
      'provisionedConcurrency',
      `at most reservedConcurrency (${settings.reservedConcurrency})`,
      settings.provisionedConcurrency,
    );
  }
  return Object.freeze(settings);
}
