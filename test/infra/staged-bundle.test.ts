/**
 * Runs the function exactly as CDK staged it for deployment, against the staged layers, in its own
 * `node` process: a missing wasm or model file, an ESM/CommonJS slip in the bundle, or a dependency
 * that is neither bundled nor in a layer fails here instead of after a deploy.
 *
 * The app is synthesized for x86_64 (this machine), so the runtime layer's sharp binary can load.
 * The staged function folder is copied to a temporary `var/task` and the layers are merged into a
 * temporary `opt`, outside the repository, so nothing can resolve from the repository's
 * node_modules. The process gets only the environment Lambda would give it: the function's
 * variables from the template (with `/opt` paths pointing at the copy, and the local key source
 * instead of KMS) and NODE_PATH as Lambda's bootstrap sets it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { type EncryptionKeyInfo, encryptImage, ensureLocalKeyPair } from '../../lambda/crypto/index.js';
import { toApiGatewayEvent } from '../../lambda/local/event.js';
import { REPO_ROOT } from '../../layers/build-layers.js';
import { createResponseValidator } from '../helpers/openapi.js';
import { stageLambda } from './stage-lambda.js';
import { removeSynthesized, type Synthesized, synth } from './synth.js';

const SETUP_TIMEOUT_MS = 300_000;
const openApi = createResponseValidator();

/** Checks a staged answer against openapi.json. */
function expectDocumented(method: string, path: string, response: APIGatewayProxyResult): void {
  const contentType = response.headers?.['content-type'];
  openApi.check({
    method,
    path,
    status: response.statusCode,
    contentType: typeof contentType === 'string' ? contentType : null,
    body: response.body,
  });
}
const INVOKE_TIMEOUT_MS = 60_000;

/** A staged function running in a child process, invoked one event at a time. */
class StagedFunction {
  readonly #child: ChildProcess;
  readonly #results: Interface;
  readonly #pending: ((message: Record<string, unknown>) => void)[] = [];
  readonly #queued: Record<string, unknown>[] = [];
  #stderr = '';

  constructor(entry: string, cwd: string, env: NodeJS.ProcessEnv) {
    this.#child = spawn(process.execPath, [join(REPO_ROOT, 'test', 'infra', 'lambda-runner.mjs'), entry], {
      cwd,
      env,
      stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString();
    });
    this.#results = createInterface({ input: this.#child.stdio[3] as Readable });
    this.#results.on('line', (line) => {
      const message = JSON.parse(line) as Record<string, unknown>;
      const waiter = this.#pending.shift();
      if (waiter) waiter(message);
      else this.#queued.push(message);
    });
  }

  /** The next message from the runner; rejects with the process's stderr if it exits first. */
  next(): Promise<Record<string, unknown>> {
    const queued = this.#queued.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolvePromise, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`the function process exited (${code}) before answering:\n${this.#stderr}`));
      this.#child.once('exit', onExit);
      this.#pending.push((message) => {
        this.#child.off('exit', onExit);
        resolvePromise(message);
      });
    });
  }

  /**
   * Waits for the module (and its top-level await: models, backend, keys) to load; resolves with
   * the CPU milliseconds the runner process spent until then.
   */
  async ready(): Promise<number> {
    const message = await this.next();
    if (message.ready !== true) throw new Error(`init failed: ${String(message.initError)}\n${this.#stderr}`);
    return Number(message.initCpuMs);
  }

  async invoke(event: unknown, requestId: string): Promise<APIGatewayProxyResult> {
    this.#child.stdin?.write(`${JSON.stringify({ event, requestId })}\n`);
    const message = await this.next();
    if (!('result' in message)) throw new Error(`invocation failed: ${String(message.error)}`);
    return message.result as APIGatewayProxyResult;
  }

  stop(): void {
    this.#child.stdin?.end();
    this.#child.kill();
  }
}

/** True when some folder above `dir` (or `dir` itself) holds a node_modules folder. */
function hasNodeModulesAbove(dir: string): boolean {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return true;
    if (d === parse(d).root) return false;
  }
}

describe('the staged function with its staged layers (x86_64)', () => {
  let s: Synthesized;
  let root: string;
  let fn: StagedFunction;
  let keyInfo: EncryptionKeyInfo;

  beforeAll(async () => {
    s = synth({ arch: 'x86_64' }, { bundle: true });
    const staged = stageLambda(s, 'face-quality-lambda-');
    root = staged.root;
    const keyDir = join(root, 'keys');
    mkdirSync(keyDir);
    // Generated here, not in the function's init: on Lambda the keys live in KMS, and generating an
    // RSA pair takes 0.2-2 s, which would swamp the init time printed below.
    await ensureLocalKeyPair(keyDir, { modulusBits: 2048 });
    if (hasNodeModulesAbove(staged.taskDir))
      throw new Error(`${staged.taskDir} would resolve packages from a node_modules above it`);

    const spawnedAt = performance.now();
    fn = new StagedFunction(join(staged.taskDir, 'index.mjs'), staged.taskDir, {
      ...staged.environment,
      KEY_SOURCE: 'local',
      LOCAL_KEY_DIR: keyDir,
    });
    const initCpuMs = await fn.ready();
    // Printed, not asserted (timings are benchmarks' business): the function's init as Lambda would run it.
    console.log(
      `staged bundle init (import, backend, weights, warm-up, key files read): ${Math.round(performance.now() - spawnedAt)} ms wall, ${initCpuMs} ms CPU; load average ${loadavg()
        .map((v) => v.toFixed(1))
        .join(' ')}`,
    );
  }, SETUP_TIMEOUT_MS);

  afterAll(() => {
    fn?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
    removeSynthesized(s);
  });

  test('the template points MODELS_DIR and WASM_DIR into the layers', () => {
    const [fn] = Object.values(s.template.findResources('AWS::Lambda::Function'));
    expect(fn?.Properties.Environment.Variables).toEqual(
      expect.objectContaining({ MODELS_DIR: '/opt/models', WASM_DIR: '/opt/wasm' }),
    );
  });

  test(
    'GET /quality/face/encryption-key answers the public key',
    async () => {
      const event = toApiGatewayEvent({
        method: 'GET',
        url: '/quality/face/encryption-key',
        headers: { accept: 'application/json' },
        requestId: 'staged-get-1',
      });
      const response = await fn.invoke(event, 'staged-get-1');
      expect(response.statusCode).toBe(200);
      expectDocumented('GET', '/quality/face/encryption-key', response);
      keyInfo = JSON.parse(response.body) as EncryptionKeyInfo;
      expect(keyInfo.public_key_pem).toContain('BEGIN PUBLIC KEY');
    },
    INVOKE_TIMEOUT_MS,
  );

  test(
    'POST /quality/face/stateless finds the one face in an encrypted photo',
    async () => {
      expect(keyInfo).toBeDefined();
      const photo = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'astronaut.png'));
      const body = `encrypted_image=${encodeURIComponent(await encryptImage(photo, keyInfo))}`;
      const event = toApiGatewayEvent({
        method: 'POST',
        url: '/quality/face/stateless',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(Buffer.byteLength(body)),
        },
        body,
        requestId: 'staged-post-1',
      });
      const response = await fn.invoke(event, 'staged-post-1');
      expectDocumented('POST', '/quality/face/stateless', response);
      const answer = JSON.parse(response.body) as { code: number; faces?: unknown[]; request_id: string };
      expect({ status: response.statusCode, code: answer.code, faces: answer.faces?.length }).toEqual({
        status: 200,
        code: 1000,
        faces: 1,
      });
      expect(answer.request_id).toBe('staged-post-1');
    },
    INVOKE_TIMEOUT_MS,
  );
});
