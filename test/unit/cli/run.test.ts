/**
 * The face-quality CLI in-process: commands, help, exit codes, and encryption round trips against
 * a real local server (real decryptor, scripted engine, no model).
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHandler } from '../../../lambda/app.js';
import type { CliDeps } from '../../../lambda/cli/run.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, runCli } from '../../../lambda/cli/run.js';
import type { AppConfig } from '../../../lambda/config.js';
import { loadConfig } from '../../../lambda/config.js';
import type { Decryptor } from '../../../lambda/crypto/index.js';
import { createDecryptor } from '../../../lambda/crypto/index.js';
import type { RawImage } from '../../../lambda/engine/types.js';
import { type RunningServer, startServer } from '../../../lambda/local/server.js';
import { redirectJsonLines } from '../../../lambda/observability/output.js';
import { removeDir, tempDir } from '../../contract/support.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { SAMPLE_FACE } from '../../helpers/sample-face.js';

const FACE = SAMPLE_FACE;
const FIXTURES = join(fixturePath('astronaut.png'), '..');

let keyDir: string;
let config: AppConfig;
let decryptor: Decryptor;
let server: RunningServer;
let disposed = 0;
/** The scripted engine: a face in 512 px wide images, none in others. */
const analyze = async (image: RawImage) => ({ faces: image.width === 512 ? [FACE] : [], timingsMs: {} });

/** The server's log and metric lines are not what these tests look at. */
let stopDiscarding: () => void = () => undefined;

beforeAll(async () => {
  stopDiscarding = redirectJsonLines(() => undefined);
  keyDir = await tempDir('cli-keys');
  config = loadConfig({ KEY_SOURCE: 'local', LOCAL_KEY_DIR: keyDir });
  decryptor = await createDecryptor(config.keys, config.limits);
  const handler = createHandler({ config, decryptor, engine: { analyze } });
  server = await startServer({ port: 0, config, handler });
});

afterAll(async () => {
  stopDiscarding();
  await server.close();
  await removeDir(keyDir);
});

async function run(argv: string[], stderrIsTTY = false) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const deps: CliDeps = {
    config,
    createEngine: async () => ({ analyze, dispose: () => void disposed++ }),
    fetch,
  };
  const code = await runCli(
    argv,
    { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t), stderrIsTTY },
    deps,
  );
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

describe('help and usage errors', () => {
  it.each([[['--help']], [['check', '--help']], [['encrypt', '-h']], [['request', '--help']]])(
    '%j prints usage and exits 0',
    async (argv) => {
      const { code, stdout } = await run(argv);
      expect(code).toBe(EXIT_OK);
      expect(stdout).toMatch(/^Usage: face-quality/);
    },
  );

  it.each([
    [[]],
    [['frobnicate']],
    [['check']],
    [['check', '--bogus', 'x.png']],
    [['encrypt']],
    [['encrypt', 'a.png', 'b.png']],
    [['encrypt', 'a.png', '--url', 'ftp://host']],
    [['request', 'a.png', '--url', 'not a url']],
  ])('%j is a usage error (exit 2)', async (argv) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).not.toBe('');
  });
});

describe('check', () => {
  it('prints one line per image in the API shape, folders walked in order, and fails when one fails', async () => {
    const readme = join(FIXTURES, 'README.md');
    const disposedBefore = disposed;
    const { code, stdout, stderr } = await run(['check', FIXTURES, readme, 'no/such/file.jpg']);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual([
      join(FIXTURES, 'astronaut.png'),
      join(FIXTURES, 'camera-profile.png'),
      join(FIXTURES, 'no-face-cat.png'),
      join(FIXTURES, 'no-face-coffee.png'),
      join(FIXTURES, 'no-face-rocket.jpg'),
      readme,
      'no/such/file.jpg',
    ]);
    expect(lines[0]).toEqual({ file: join(FIXTURES, 'astronaut.png'), code: 1000, faces: [FACE] });
    expect(lines.slice(2, 5).map((l) => l.code)).not.toContain(1000);
    expect(lines[5]).toMatchObject({ code: 2005 });
    expect(lines[6]).toMatchObject({ code: 404 });
    expect(code).toBe(EXIT_FAILED);
    expect(stderr).toContain('[7/7]');
    expect(disposed).toBe(disposedBefore + 1);
  });

  it('exits 0 when every image passes, without progress for a short run', async () => {
    const { code, stdout, stderr } = await run(['check', fixturePath('astronaut.png')]);
    expect(code).toBe(EXIT_OK);
    expect(JSON.parse(stdout)).toMatchObject({ code: 1000 });
    expect(stderr).toBe('');
  });
});

describe('encrypt and request', () => {
  const photo = fixturePath('astronaut.png');

  it('encrypts with the local key pair', async () => {
    const { code, stdout } = await run(['encrypt', photo, '--key-dir', keyDir]);
    expect(code).toBe(EXIT_OK);
    expect(Buffer.from(await decryptor.decryptImage(stdout)).equals(await readFile(photo))).toBe(true);
  });

  it("encrypts with the server's key from --url", async () => {
    const { code, stdout } = await run(['encrypt', photo, '--url', server.url]);
    expect(code).toBe(EXIT_OK);
    expect(Buffer.from(await decryptor.decryptImage(stdout)).equals(await readFile(photo))).toBe(true);
  });

  it('posts an encrypted photo and prints the answer (exit 0 on code 1000, 1 otherwise)', async () => {
    const ok = await run(['request', photo, '--url', `${server.url}/`]);
    expect(ok.code).toBe(EXIT_OK);
    expect(JSON.parse(ok.stdout)).toMatchObject({ code: 1000, faces: [FACE] });
    const noFace = await run(['request', fixturePath('no-face-rocket.jpg'), '--url', server.url]);
    expect(noFace.code).toBe(EXIT_FAILED);
    expect(JSON.parse(noFace.stdout)).toMatchObject({ code: 4000 });
  });

  it('sends --api-key as x-api-key on both calls, and refuses it without --url', async () => {
    const seen: (string | null)[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      seen.push(new Headers(init?.headers).get('x-api-key'));
      return fetch(input, init);
    };
    const deps: CliDeps = {
      config,
      createEngine: async () => ({ analyze, dispose: () => undefined }),
      fetch: recordingFetch,
    };
    const io = { stdout: () => undefined, stderr: () => undefined, stderrIsTTY: false };
    expect(await runCli(['request', photo, '--url', server.url, '--api-key', 'k-123'], io, deps)).toBe(
      EXIT_OK,
    );
    expect(seen).toEqual(['k-123', 'k-123']);
    const usage = await run(['encrypt', photo, '--api-key', 'k-123']);
    expect(usage.code).not.toBe(EXIT_OK);
    expect(usage.stderr).toMatch(/--api-key goes with --url/);
  });

  it('fails with a message when the server cannot be reached', async () => {
    const closed = await startServer({
      port: 0,
      config,
      handler: async () => ({ statusCode: 200, body: '' }),
    });
    await closed.close();
    const { code, stderr } = await run(['request', photo, '--url', closed.url]);
    expect(code).toBe(EXIT_FAILED);
    expect(stderr).toMatch(/request: fetch failed: .*ECONNREFUSED/);
  });
});
