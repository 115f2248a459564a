/**
 * Builds the contents of the two Lambda layers under `layers/build/` (git-ignored):
 *
 * - `models/` → mounted as `/opt/models`: the face-api weights the engine loads (copied from the
 *   installed `@vladmandic/face-api` package) plus any custom heads committed under `models/`.
 * - `runtime-<arch>/` → mounted as `/opt`: `nodejs/node_modules/sharp` with its prebuilt libvips
 *   binaries for linux-arm64 or linux-x64 (glibc, as on Amazon Linux 2023), installed from the npm
 *   registry, and `wasm/` with the tfjs wasm binaries (copied from the installed
 *   `@tensorflow/tfjs-backend-wasm`, so they match the JavaScript bundled into the function).
 *
 * The CDK app calls {@link buildLayers} before it synthesizes, so `cdk synth` works on a fresh clone;
 * `npx tsx layers/build-layers.ts [arm64|x86_64]` runs the same build by hand.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Lambda instruction set architectures, spelled as Lambda spells them. */
export type LambdaArch = 'arm64' | 'x86_64';

/** Repository root (this file lives in `layers/`). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the layer folders are written. */
export const LAYERS_BUILD_DIR = join(REPO_ROOT, 'layers', 'build');

/** face-api weight files the engine loads: SSD MobileNet v1 detector and the 68-point landmark net. */
export const FACE_API_MODEL_FILES: readonly string[] = [
  'ssd_mobilenetv1_model-weights_manifest.json',
  'ssd_mobilenetv1_model.bin',
  'face_landmark_68_model-weights_manifest.json',
  'face_landmark_68_model.bin',
];

/**
 * tfjs wasm binaries shipped: SIMD (used on Lambda's CPUs) and plain as the fallback. The threaded
 * build is left out because tfjs 4.22 disables wasm threads under Node (stack notes).
 */
export const WASM_FILES: readonly string[] = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'];

/** Mount points inside the Lambda execution environment (layers are extracted under `/opt`). */
export const LAYER_MOUNTS = Object.freeze({
  modelsDir: '/opt/models',
  wasmDir: '/opt/wasm',
  nodeModulesDir: '/opt/nodejs/node_modules',
});

/** The folders one {@link buildLayers} call produced; each is a layer's root (what lands in `/opt`). */
export interface LayerDirs {
  readonly modelsLayerDir: string;
  readonly runtimeLayerDir: string;
  /** Versions baked into the layers, for the layer descriptions. */
  readonly versions: { readonly sharp: string; readonly tfjsWasm: string; readonly faceApi: string };
}

function packageVersion(name: string): string {
  const pkg: unknown = JSON.parse(
    readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8'),
  );
  if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') {
    return pkg.version;
  }
  throw new Error(`node_modules/${name}/package.json has no version; run npm ci first`);
}

/** Files under `dir`, as paths relative to it, in a stable order. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

/** Total size in bytes of the regular files under `dir` (what Lambda counts once unzipped). */
export function dirSizeBytes(dir: string): number {
  return listFiles(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
}

/**
 * Custom model files committed under `models/` (everything except documentation), copied into the
 * models layer at the same relative path.
 */
function customModelFiles(): string[] {
  return listFiles(join(REPO_ROOT, 'models')).filter((f) => !f.toLowerCase().endsWith('.md'));
}

/** What the models layer is built from: each source file with its size and modification time. */
function modelSources(): { from: string; to: string; sizeBytes: number; mtimeMs: number }[] {
  const faceApiModels = join(REPO_ROOT, 'node_modules', '@vladmandic', 'face-api', 'model');
  const pairs = [
    ...FACE_API_MODEL_FILES.map((file) => ({ from: join(faceApiModels, file), to: file })),
    ...customModelFiles().map((file) => ({ from: join(REPO_ROOT, 'models', file), to: file })),
  ];
  const targets = new Set<string>();
  return pairs.map(({ from, to }) => {
    if (targets.has(to)) throw new Error(`models/${to} would overwrite a face-api weight file`);
    targets.add(to);
    const stat = statSync(from);
    return { from, to, sizeBytes: stat.size, mtimeMs: stat.mtimeMs };
  });
}

/** Copies the weights into `layers/build/models/models/` unless the stamp shows nothing changed. */
function buildModelsLayer(): string {
  const layerDir = join(LAYERS_BUILD_DIR, 'models');
  const sources = modelSources();
  const stampFile = join(LAYERS_BUILD_DIR, 'models.stamp.json');
  const stamp = JSON.stringify(sources);
  const upToDate =
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === stamp &&
    sources.every((s) => existsSync(join(layerDir, 'models', s.to)));
  if (upToDate) return layerDir;

  rmSync(stampFile, { force: true });
  rmSync(layerDir, { recursive: true, force: true });
  for (const { from, to } of sources) {
    const dest = join(layerDir, 'models', to);
    mkdirSync(dirname(dest), { recursive: true });
    cpSync(from, dest);
  }
  writeFileSync(stampFile, stamp);
  return layerDir;
}

/** Lambda's architecture name → npm's `--cpu`. */
const NPM_CPU: Readonly<Record<LambdaArch, string>> = { arm64: 'arm64', x86_64: 'x64' };

/**
 * Installs sharp for linux/glibc on `arch` into `runtime-<arch>/nodejs/node_modules` and copies the
 * wasm binaries into `runtime-<arch>/wasm`. The npm install is skipped when a stamp next to the folder
 * says the same versions were already installed for the same architecture.
 */
function buildRuntimeLayer(arch: LambdaArch, sharpVersion: string, tfjsWasmVersion: string): string {
  const layerDir = join(LAYERS_BUILD_DIR, `runtime-${arch}`);
  // The stamp sits outside the layer folder so it never ends up in the layer zip.
  const stampFile = join(LAYERS_BUILD_DIR, `runtime-${arch}.stamp.json`);
  const stamp = JSON.stringify({ arch, sharpVersion, tfjsWasmVersion, wasm: WASM_FILES });
  const nodeModules = join(layerDir, 'nodejs', 'node_modules');
  const upToDate =
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === stamp &&
    existsSync(join(nodeModules, 'sharp', 'package.json')) &&
    WASM_FILES.every((f) => existsSync(join(layerDir, 'wasm', f)));
  if (upToDate) return layerDir;

  rmSync(layerDir, { recursive: true, force: true });
  rmSync(stampFile, { force: true });
  mkdirSync(join(layerDir, 'nodejs'), { recursive: true });
  // --os/--cpu/--libc select sharp's prebuilt @img/* binary packages for Lambda, not for this host;
  // --ignore-scripts because nothing may be compiled for the build host's platform.
  execFileSync(
    'npm',
    [
      'install',
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--ignore-scripts',
      '--omit=dev',
      '--os=linux',
      `--cpu=${NPM_CPU[arch]}`,
      '--libc=glibc',
      '--prefix',
      join(layerDir, 'nodejs'),
      `sharp@${sharpVersion}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], cwd: LAYERS_BUILD_DIR },
  );
  // Symlinks in .bin are not needed at run time and do not survive every zip tool.
  rmSync(join(nodeModules, '.bin'), { recursive: true, force: true });
  const binaryPkg = join(nodeModules, '@img', `sharp-linux-${NPM_CPU[arch]}`, 'package.json');
  if (!existsSync(binaryPkg)) throw new Error(`npm did not install @img/sharp-linux-${NPM_CPU[arch]}`);

  const wasmSource = join(REPO_ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  mkdirSync(join(layerDir, 'wasm'), { recursive: true });
  for (const file of WASM_FILES) cpSync(join(wasmSource, file), join(layerDir, 'wasm', file));
  writeFileSync(stampFile, stamp);
  return layerDir;
}

/**
 * Builds (or reuses) both layer folders for `arch` and returns their paths. Versions come from the
 * repository's installed packages, so the layers always match what the function bundles.
 */
export function buildLayers(arch: LambdaArch): LayerDirs {
  mkdirSync(LAYERS_BUILD_DIR, { recursive: true });
  const versions = {
    sharp: packageVersion('sharp'),
    tfjsWasm: packageVersion('@tensorflow/tfjs-backend-wasm'),
    faceApi: packageVersion('@vladmandic/face-api'),
  };
  return withBuildLock(() => ({
    modelsLayerDir: buildModelsLayer(),
    runtimeLayerDir: buildRuntimeLayer(arch, versions.sharp, versions.tfjsWasm),
    versions,
  }));
}

/** A lock older than this is considered left behind by a killed build. */
const STALE_LOCK_MS = 5 * 60_000;

/** Blocks the thread for `ms` milliseconds (the build is synchronous by design). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `build` while holding `layers/build/.lock` (a directory: its creation is atomic), so that
 * parallel synths (test files run by several Jest workers) never read a layer folder another one is
 * rewriting.
 */
function withBuildLock<T>(build: () => T): T {
  const lockDir = join(LAYERS_BUILD_DIR, '.lock');
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (e) {
      if (!(e instanceof Error && 'code' in e && e.code === 'EEXIST')) throw e;
      let ageMs = 0;
      try {
        ageMs = Date.now() - statSync(lockDir).mtimeMs;
      } catch {
        continue;
      }
      if (ageMs > STALE_LOCK_MS) rmSync(lockDir, { recursive: true, force: true });
      else sleepSync(200);
    }
  }
  try {
    return build();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function isLambdaArch(value: string | undefined): value is LambdaArch {
  return value === 'arm64' || value === 'x86_64';
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arches = process.argv.slice(2);
  for (const arch of arches.length > 0 ? arches : ['arm64']) {
    if (!isLambdaArch(arch)) throw new Error(`architecture must be arm64 or x86_64, got "${arch}"`);
    const dirs = buildLayers(arch);
    for (const dir of [dirs.modelsLayerDir, dirs.runtimeLayerDir]) {
      process.stdout.write(`${relative(REPO_ROOT, dir)}: ${(dirSizeBytes(dir) / 1e6).toFixed(1)} MB\n`);
    }
  }
}
