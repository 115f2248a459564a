/**
 * Structured JSON logs through Powertools for AWS Lambda's Logger: one object per line with
 * `level`, `message`, `timestamp`, `service`, the Lambda context (`cold_start`, `function_name`,
 * `function_request_id`, …, added by the `injectLambdaContext` middleware) and the fields a call
 * passes. Every record is serialized through {@link redactReplacer}.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { redactReplacer } from './redact.js';

export type { Logger } from '@aws-lambda-powertools/logger';

/** `LOG_LEVEL` values; `silent` writes nothing (benchmarks). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** A JSON value allowed in a log record. */
export type LogValue = string | number | boolean | null | undefined | readonly LogValue[] | LogFields;

export interface LogFields {
  readonly [key: string]: LogValue;
}

/** `level` when it names a level, else `info`. */
export function parseLogLevel(level: string): LogLevel {
  return level === 'debug' || level === 'info' || level === 'warn' || level === 'error' || level === 'silent'
    ? level
    : 'info';
}

export interface LoggerOptions {
  /** Lowest level written. */
  readonly level: LogLevel;
  /** `service` field of every record. */
  readonly service: string;
}

/**
 * A Powertools Logger writing JSON lines to stdout (info, debug) and stderr (warn, error), as
 * Lambda expects; every record passes through {@link redactReplacer}.
 */
export function createLogger(options: LoggerOptions): Logger {
  return new Logger({
    serviceName: options.service,
    logLevel: options.level.toUpperCase() as Uppercase<LogLevel>,
    jsonReplacerFn: redactReplacer,
  });
}
