/**
 * The `face-quality` command line: `check`, `encrypt`, `request`. All I/O goes through
 * {@link CliIo} and {@link CliDeps}, so tests run it in-process.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { AppConfig } from '../config.js';
import { encryptImage, ensureLocalKeyPair, rsaKeyInfo } from '../crypto/index.js';
import type { EncryptionKeyInfo } from '../crypto/key-info.js';
import type { Engine } from '../engine/index.js';
import { SUCCESS_CODE } from '../http/error-table.js';
import { ENCRYPTED_IMAGE_FIELD } from '../http/parse-form.js';
import { ENCRYPTION_KEY_PATH, STATELESS_PATH } from '../http/router.js';
import { openImage } from '../image/decode.js';
import { type CheckLine, checkFile, listImageFiles } from './check.js';

export interface CliIo {
  /** Writes to standard output (text as given, newlines included). */
  readonly stdout: (text: string) => void;
  /** Writes to standard error. */
  readonly stderr: (text: string) => void;
  /** Whether standard error is a terminal (progress overwrites one line there). */
  readonly stderrIsTTY: boolean;
}

export interface CliDeps {
  readonly config: AppConfig;
  /** Loads the engine (`check` only). */
  readonly createEngine: () => Promise<Pick<Engine, 'analyze' | 'dispose'>>;
  readonly fetch: typeof fetch;
}

/** Exit codes. */
export const EXIT_OK = 0;
/** `check`: some file did not pass; `request`: the API answered an error; any runtime failure. */
export const EXIT_FAILED = 1;
/** Bad command line. */
export const EXIT_USAGE = 2;

/** Below this many files `check` prints no progress. */
const PROGRESS_MIN_FILES = 5;

const MAIN_HELP = `Usage: face-quality <command> [options]

Commands:
  check <images or folders...>   Quality-check plain image files locally (no server, no encryption)
  encrypt <image> [--url URL]    Print the encrypted_image value for a photo
  request <image> [--url URL]    Encrypt a photo, POST it to the API, print the answer

Run "face-quality <command> --help" for a command's options.
`;

const CHECK_HELP = `Usage: face-quality check <images or folders...>

Runs the API's image intake and engine on each file, without encryption or a server. Folders are
walked recursively for .jpg .jpeg .png .webp .gif .tif .tiff .bmp files.

Prints one JSON line per image, in the API's response shape:
  {"file": "...", "code": 1000, "faces": [...]}     or     {"file": "...", "code": 4000, "message": "..."}
Progress goes to stderr. Exit code 0 when every image answered 1000, 1 otherwise.
Limits and engine settings come from the same environment variables as the API (MAX_IMAGE_BYTES...).
`;

const ENCRYPT_HELP = `Usage: face-quality encrypt <image> [--url URL [--api-key KEY]] [--key-dir DIR]

Prints the encrypted_image value (base64 of an AWS Encryption SDK message) for <image>.
  --url URL       encrypt for the server at URL (its GET ${ENCRYPTION_KEY_PATH})
  --api-key KEY   with --url: sent as x-api-key (deployments with API keys enabled)
  --key-dir DIR   without --url: the local key pair's folder (default LOCAL_KEY_DIR or .local-keys;
                  created on first use, the one the local server uses)

Example against the local server (npm start):
  npx face-quality encrypt photo.jpg > photo.enc
  curl -X POST http://127.0.0.1:3000${STATELESS_PATH} --data-urlencode ${ENCRYPTED_IMAGE_FIELD}@photo.enc
`;

const REQUEST_HELP = `Usage: face-quality request <image> [--url URL] [--api-key KEY]

Fetches the server's public key, encrypts <image> with it, posts it to ${STATELESS_PATH}
(application/x-www-form-urlencoded) and prints the JSON answer.
  --url URL       the API's base URL (default http://127.0.0.1:<PORT or 3000>, the local server)
  --api-key KEY   sent as x-api-key (deployments with API keys enabled)
Exit code 0 when the answer's code is 1000, 1 otherwise.
`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo, deps: CliDeps): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await checkCommand(rest, io, deps);
      case 'encrypt':
        return await encryptCommand(rest, io, deps);
      case 'request':
        return await requestCommand(rest, io, deps);
      case '--help':
      case '-h':
      case 'help':
        io.stdout(MAIN_HELP);
        return EXIT_OK;
      default:
        io.stderr(command === undefined ? MAIN_HELP : `Unknown command "${command}"\n\n${MAIN_HELP}`);
        return EXIT_USAGE;
    }
  } catch (e) {
    io.stderr(`face-quality ${command ?? ''}: ${describeError(e)}\n`);
    if (e instanceof UsageError || isParseArgsError(e)) {
      io.stderr(`Run "face-quality ${command ?? ''} --help" for usage.\n`);
      return EXIT_USAGE;
    }
    return EXIT_FAILED;
  }
}

/**
 * `message` of an error, plus its cause's when there is one ("fetch failed: connect ECONNREFUSED").
 * Duck-typed: errors thrown by Node internals may come from another realm than `Error`.
 */
function describeError(e: unknown): string {
  const message = fieldOf(e, 'message');
  if (message === undefined) return String(e);
  const cause = fieldOf(fieldOf(e, 'cause'), 'message');
  return cause === undefined ? String(message) : `${String(message)}: ${String(cause)}`;
}

function fieldOf(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
}

function isParseArgsError(e: unknown): boolean {
  const code = fieldOf(e, 'code');
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

function parse(args: readonly string[], withUrl: boolean, withKeyDir = false) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      ...(withUrl ? { url: { type: 'string' }, 'api-key': { type: 'string' } } : {}),
      ...(withKeyDir ? { 'key-dir': { type: 'string' } } : {}),
    },
  });
}

function stringOption(
  values: Record<string, string | boolean | undefined>,
  name: string,
): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function singleImage(positionals: readonly string[]): string {
  const [image, ...extra] = positionals;
  if (image === undefined) throw new UsageError('an image file is required');
  if (extra.length > 0) throw new UsageError(`one image at a time (got ${positionals.length})`);
  return image;
}

async function checkCommand(args: readonly string[], io: CliIo, deps: CliDeps): Promise<number> {
  const { values, positionals } = parse(args, false);
  if (values.help === true) {
    io.stdout(CHECK_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('at least one image or folder is required');
  const inputs = await listImageFiles(positionals);
  const engine = await deps.createEngine();
  const pipeline = { open: openImage, engine, limits: deps.config.limits };
  const progress = progressReporter(inputs.length, io);
  let failed = 0;
  try {
    for (const [index, input] of inputs.entries()) {
      const line: CheckLine =
        typeof input === 'string'
          ? await checkFile(input, pipeline)
          : { file: input.file, code: 404, message: input.error.message };
      if (line.code !== SUCCESS_CODE) failed++;
      io.stdout(`${JSON.stringify(line)}\n`);
      progress(index + 1, line.file);
    }
  } finally {
    engine.dispose();
  }
  if (inputs.length === 0) io.stderr('No image files found.\n');
  else if (inputs.length >= PROGRESS_MIN_FILES || failed > 0) {
    io.stderr(`${inputs.length - failed} of ${inputs.length} images passed (code ${SUCCESS_CODE}).\n`);
  }
  return failed === 0 && inputs.length > 0 ? EXIT_OK : EXIT_FAILED;
}

/** Progress on stderr for runs of {@link PROGRESS_MIN_FILES} files or more: one rewritten line on a terminal, else about every tenth file. */
function progressReporter(total: number, io: CliIo): (done: number, file: string) => void {
  if (total < PROGRESS_MIN_FILES) return () => undefined;
  const every = Math.max(1, Math.floor(total / 10));
  return (done, file) => {
    if (io.stderrIsTTY) io.stderr(`\r\x1b[K[${done}/${total}] ${file}${done === total ? '\n' : ''}`);
    else if (done % every === 0 || done === total) io.stderr(`[${done}/${total}] ${file}\n`);
  };
}

function baseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError('--url must be http(s)');
  return parsed.href.replace(/\/+$/, '');
}

/** Headers that authenticate with an API Gateway usage plan, when an API key is given. */
function apiKeyHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey === undefined ? {} : { 'x-api-key': apiKey };
}

/** GETs the server's public key info. */
async function fetchKeyInfo(
  base: string,
  deps: CliDeps,
  apiKey: string | undefined,
): Promise<EncryptionKeyInfo> {
  const response = await deps.fetch(`${base}${ENCRYPTION_KEY_PATH}`, { headers: apiKeyHeaders(apiKey) });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`GET ${ENCRYPTION_KEY_PATH} answered ${response.status}: ${text.slice(0, 300)}`);
  const info = parseJson(text);
  if (!isKeyInfo(info)) throw new Error(`GET ${ENCRYPTION_KEY_PATH} did not return a public key`);
  return info;
}

const KEY_INFO_FIELDS = [
  'public_key_pem',
  'key_namespace',
  'key_name',
  'padding',
  'oaep_hash',
  'algorithm_suite',
  'commitment_policy',
] as const;

/** Shape check only; `encryptImage` validates the values. */
function isKeyInfo(value: unknown): value is EncryptionKeyInfo {
  if (typeof value !== 'object' || value === null) return false;
  const fields = new Map(Object.entries(value));
  return KEY_INFO_FIELDS.every((name) => typeof fields.get(name) === 'string');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function localKeyInfo(keyDir: string | undefined, deps: CliDeps): Promise<EncryptionKeyInfo> {
  const pair = await ensureLocalKeyPair(keyDir ?? deps.config.keys.localKeyDir);
  return rsaKeyInfo(pair.publicKeyPem, deps.config.keys.keyNamespace, pair.keyName);
}

async function encryptCommand(args: readonly string[], io: CliIo, deps: CliDeps): Promise<number> {
  const { values, positionals } = parse(args, true, true);
  if (values.help === true) {
    io.stdout(ENCRYPT_HELP);
    return EXIT_OK;
  }
  const image = singleImage(positionals);
  const url = stringOption(values, 'url');
  const keyDir = stringOption(values, 'key-dir');
  const apiKey = stringOption(values, 'api-key');
  if (url !== undefined && keyDir !== undefined) throw new UsageError('use either --url or --key-dir');
  if (url === undefined && apiKey !== undefined) throw new UsageError('--api-key goes with --url');
  const key =
    url === undefined ? await localKeyInfo(keyDir, deps) : await fetchKeyInfo(baseUrl(url), deps, apiKey);
  io.stdout(`${await encryptImage(await readFile(image), key)}\n`);
  return EXIT_OK;
}

async function requestCommand(args: readonly string[], io: CliIo, deps: CliDeps): Promise<number> {
  const { values, positionals } = parse(args, true);
  if (values.help === true) {
    io.stdout(REQUEST_HELP);
    return EXIT_OK;
  }
  const image = singleImage(positionals);
  const base = baseUrl(stringOption(values, 'url') ?? `http://127.0.0.1:${deps.config.localPort}`);
  const apiKey = stringOption(values, 'api-key');
  const encrypted = await encryptImage(await readFile(image), await fetchKeyInfo(base, deps, apiKey));
  const response = await deps.fetch(`${base}${STATELESS_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...apiKeyHeaders(apiKey) },
    body: `${ENCRYPTED_IMAGE_FIELD}=${encodeURIComponent(encrypted)}`,
  });
  const text = await response.text();
  io.stdout(`${text}\n`);
  const answer = parseJson(text);
  const code = typeof answer === 'object' && answer !== null && 'code' in answer ? answer.code : undefined;
  if (code !== SUCCESS_CODE) io.stderr(`HTTP ${response.status}\n`);
  return code === SUCCESS_CODE ? EXIT_OK : EXIT_FAILED;
}
