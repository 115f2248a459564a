/** Entry point of the `face-quality` command (bin/face-quality.mjs loads it through tsx). */
import { engineOptions, loadConfig } from '../config.js';
import { runCli } from './run.js';

const config = loadConfig();
process.exitCode = await runCli(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
  },
  {
    config,
    // Loaded on demand: only `check` needs the models and TensorFlow.js.
    createEngine: async () => (await import('../engine/index.js')).createEngine(engineOptions(config)),
    fetch,
  },
);
