/**
 * Structured JSON logging, one object per line (the shape Powertools' Logger writes: `level`,
 * `message`, `timestamp`, `service`, then the fields). Lines go straight to stdout, not through
 * `console.log`, whose Lambda patch prefixes text and would break JSON and EMF parsing.
 *
 * Nothing sensitive is ever passed in (callers log sizes, ids, codes and timings), and
 * {@link redact} is a second line of defence: it blanks fields named like payloads or keys and
 * drops any long string, so a photo, a ciphertext or a key cannot reach the logs by mistake.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A JSON value allowed in a log record. */
export type LogValue = string | number | boolean | null | undefined | readonly LogValue[] | LogFields;

export interface LogFields {
  readonly [key: string]: LogValue;
}

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Receives one serialized line (without the trailing newline). */
export type LineSink = (line: string) => void;

/** Writes a line to stdout. */
export const stdoutSink: LineSink = (line) => {
  process.stdout.write(`${line}\n`);
};

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Strings longer than this are replaced by their length: ids, names and messages are shorter. */
export const MAX_LOG_STRING_CHARS = 512;

/** Field names whose values are never logged, whatever they hold (compared case-insensitively). */
const SECRET_FIELD =
  /body|image|plaintext|ciphertext|encrypted|private|secret|password|token|pem|key_material/i;

/** The placeholder that replaces a redacted value. */
export const REDACTED = '[redacted]';

/**
 * A copy of `fields` that is safe to log: values under names like `body`, `encrypted_image`,
 * `imageBytes`, `privateKey` become {@link REDACTED}; strings over {@link MAX_LOG_STRING_CHARS}
 * become `[N chars omitted]`, so no prefix of them remains. Pure.
 */
export function redact(fields: LogFields): LogFields {
  const out: Record<string, LogValue> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = SECRET_FIELD.test(key) && !isSafeMeasure(value) ? REDACTED : redactValue(value);
  }
  return out;
}

/** Numbers and booleans (sizes, counts, flags) are kept even under a sensitive-looking name. */
function isSafeMeasure(value: LogValue): boolean {
  return typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined;
}

function redactValue(value: LogValue): LogValue {
  if (typeof value === 'string') {
    return value.length > MAX_LOG_STRING_CHARS ? `[${value.length} chars omitted]` : value;
  }
  if (Array.isArray(value)) return value.map(redactValue);
  if (isLogFields(value)) return redact(value);
  return value;
}

function isLogFields(value: LogValue): value is LogFields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `level` when it names a level, else `info`. */
export function parseLogLevel(level: string): LogLevel {
  return level === 'debug' || level === 'info' || level === 'warn' || level === 'error' ? level : 'info';
}

export interface LoggerOptions {
  /** Lowest level written. */
  readonly level: LogLevel;
  /** `service` field of every record. */
  readonly service: string;
  /** Where lines go; default stdout. */
  readonly sink?: LineSink;
  /** Clock for `timestamp`; default `Date.now`. */
  readonly nowMs?: () => number;
}

/** A JSON-lines logger; every record passes through {@link redact}. */
export function createLogger(options: LoggerOptions): Logger {
  const sink = options.sink ?? stdoutSink;
  const nowMs = options.nowMs ?? Date.now;
  const minRank = LEVEL_RANK[options.level];
  const write = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    if (LEVEL_RANK[level] < minRank) return;
    const record = {
      level: level.toUpperCase(),
      message,
      timestamp: new Date(nowMs()).toISOString(),
      service: options.service,
      ...redact(fields),
    };
    sink(JSON.stringify(record));
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}
