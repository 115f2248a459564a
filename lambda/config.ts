/**
 * The one module that reads environment variables. Everything else receives plain, frozen
 * configuration objects, so the engine and the pure cores never look at `process.env`.
 */
import { join } from 'node:path';
import type { EngineConfig } from './engine/config.js';

/** Which keyrings decrypt `encrypted_image`. */
export type KeySource = 'local' | 'kms';

export interface LimitsConfig {
  /** Largest accepted request body in bytes (as received, before base64/url decoding). */
  readonly maxBodyBytes: number;
  /** Largest accepted decrypted image in bytes. */
  readonly maxImageBytes: number;
  /** Smallest accepted image side in pixels. */
  readonly minSidePx: number;
  /** Largest accepted image side in pixels. */
  readonly maxSidePx: number;
  /** Largest accepted image area in megapixels. */
  readonly maxMegapixels: number;
  /** Most faces returned per image (largest first). */
  readonly maxFaces: number;
}

export interface KeysConfig {
  readonly source: KeySource;
  /** ARN of the KMS asymmetric RSA key (RSA_2048+/ENCRYPT_DECRYPT) used by mobile and web clients. */
  readonly kmsRsaKeyArn: string | undefined;
  /** ARNs of KMS symmetric keys accepted for server-side callers (comma-separated in the env). */
  readonly kmsSymmetricKeyArns: readonly string[];
  /** ARNs of replaced KMS RSA keys still accepted for decryption during a rotation grace period
   * (comma-separated in the env); only `kmsRsaKeyArn` is published to clients. */
  readonly kmsRsaPreviousKeyArns: readonly string[];
  /** Folder holding the local development RSA key pair (generated on first start). */
  readonly localKeyDir: string;
  /** Key namespace clients put in their raw RSA keyring. */
  readonly keyNamespace: string;
  /** Most encrypted data keys accepted in one message. */
  readonly maxEncryptedDataKeys: number;
}

export interface AppConfig {
  readonly limits: LimitsConfig;
  readonly keys: KeysConfig;
  /** Folder with the face-api model weights (`/opt/models` in the Lambda layer). */
  readonly modelsDir: string | undefined;
  /** Folder with the tfjs wasm binaries (`/opt/wasm` in the Lambda layer). */
  readonly wasmDir: string | undefined;
  /** Longest side in pixels of the copy the detector sees. */
  readonly detectMaxSidePx: number;
  /** Lowest detector score that counts as a face, in [0,1]. */
  readonly minDetectionScore: number;
  /** `debug` | `info` | `warn` | `error` | `silent`. */
  readonly logLevel: string;
  /**
   * X-Ray tracing through Powertools' Tracer (`TRACING=true`; the stack sets it with the function's
   * active tracing). Off by default: without an X-Ray daemon there is nothing to send traces to.
   */
  readonly tracing: boolean;
  /**
   * Origins allowed to call the API from a browser (`ALLOWED_ORIGINS`, comma-separated; `*` allows
   * any). Empty: no CORS headers at all, so browsers on other origins are refused.
   */
  readonly allowedOrigins: readonly string[];
  /** TCP port of the local development server (`PORT`, default 3000). Unused on Lambda. */
  readonly localPort: number;
  /**
   * Most `POST /quality/face/stateless` requests the local server analyses at once
   * (`MAX_CONCURRENT_ANALYSES`, default 2); the others wait, with their bodies read, in arrival
   * order. Bounds memory when many large photos arrive together. Unused on Lambda, where each
   * container serves one request at a time.
   */
  readonly maxConcurrentAnalyses: number;
}

/** Defaults sized so the largest request still fits Lambda's 6 MB synchronous payload (see README). */
export const DEFAULT_LIMITS: LimitsConfig = Object.freeze({
  maxBodyBytes: 6_000_000,
  maxImageBytes: 4_194_304,
  minSidePx: 32,
  maxSidePx: 8192,
  maxMegapixels: 50,
  maxFaces: 20,
});

export const DEFAULT_KEY_NAMESPACE = 'face-quality';

/** Port of the local development server when `PORT` is not set. */
export const DEFAULT_LOCAL_PORT = 3000;

/**
 * Analyses the local server runs at once when `MAX_CONCURRENT_ANALYSES` is not set: inference runs
 * on one thread (tfjs wasm), so a second slot only lets one photo decode (libvips threads) while
 * another is analysed; more would add memory (a 50 MP photo peaks at several hundred MB, see
 * README "Memory") without adding throughput.
 */
export const DEFAULT_MAX_CONCURRENT_ANALYSES = 2;

function num(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`Environment variable ${name} must be a non-negative number, got "${raw}"`);
  }
  return value;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = num(env, name, fallback);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`Environment variable ${name} must be an integer >= 1, got "${env[name]}"`);
  }
  return value;
}

function list(env: NodeJS.ProcessEnv, name: string): readonly string[] {
  return Object.freeze(
    (env[name] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`Environment variable ${name} must be true or false, got "${env[name]}"`);
}

function str(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

/**
 * Reads the configuration from `env` (default `process.env`) and freezes it.
 * Throws on a malformed value, so a bad deployment fails at init, not per request.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const source = str(env, 'KEY_SOURCE') ?? 'local';
  if (source !== 'local' && source !== 'kms') {
    throw new Error(`KEY_SOURCE must be "local" or "kms", got "${source}"`);
  }
  const limits: LimitsConfig = Object.freeze({
    maxBodyBytes: num(env, 'MAX_BODY_BYTES', DEFAULT_LIMITS.maxBodyBytes),
    maxImageBytes: num(env, 'MAX_IMAGE_BYTES', DEFAULT_LIMITS.maxImageBytes),
    minSidePx: num(env, 'MIN_IMAGE_SIDE_PX', DEFAULT_LIMITS.minSidePx),
    maxSidePx: num(env, 'MAX_IMAGE_SIDE_PX', DEFAULT_LIMITS.maxSidePx),
    maxMegapixels: num(env, 'MAX_IMAGE_MEGAPIXELS', DEFAULT_LIMITS.maxMegapixels),
    maxFaces: num(env, 'MAX_FACES', DEFAULT_LIMITS.maxFaces),
  });
  const keys: KeysConfig = Object.freeze({
    source,
    kmsRsaKeyArn: str(env, 'KMS_RSA_KEY_ARN'),
    kmsSymmetricKeyArns: list(env, 'KMS_SYMMETRIC_KEY_ARNS'),
    kmsRsaPreviousKeyArns: list(env, 'KMS_RSA_PREVIOUS_KEY_ARNS'),
    localKeyDir: str(env, 'LOCAL_KEY_DIR') ?? '.local-keys',
    keyNamespace: str(env, 'KEY_NAMESPACE') ?? DEFAULT_KEY_NAMESPACE,
    maxEncryptedDataKeys: num(env, 'MAX_ENCRYPTED_DATA_KEYS', 3),
  });
  return Object.freeze({
    limits,
    keys,
    modelsDir: str(env, 'MODELS_DIR'),
    wasmDir: str(env, 'WASM_DIR'),
    detectMaxSidePx: num(env, 'DETECT_MAX_SIDE_PX', 640),
    minDetectionScore: num(env, 'MIN_DETECTION_SCORE', 0.5),
    logLevel: str(env, 'LOG_LEVEL') ?? 'info',
    tracing: bool(env, 'TRACING', false),
    allowedOrigins: list(env, 'ALLOWED_ORIGINS'),
    localPort: num(env, 'PORT', DEFAULT_LOCAL_PORT),
    maxConcurrentAnalyses: positiveInt(env, 'MAX_CONCURRENT_ANALYSES', DEFAULT_MAX_CONCURRENT_ANALYSES),
  });
}

/** The engine settings of `config`; undefined fields fall back to the engine's defaults. */
export function engineOptions(config: AppConfig): Partial<EngineConfig> {
  return {
    modelsDir: config.modelsDir,
    // The models layer holds the face-api weights at its root and models/ at the same relative paths.
    humanModelsDir: config.modelsDir === undefined ? undefined : join(config.modelsDir, 'human'),
    headsDir: config.modelsDir === undefined ? undefined : join(config.modelsDir, 'heads'),
    wasmDir: config.wasmDir,
    detectMaxSidePx: config.detectMaxSidePx,
    minDetectionScore: config.minDetectionScore,
    maxFaces: config.limits.maxFaces,
  };
}
