/**
 * The server side of `npm run soak`: the real local server (real handler, engine and a local key
 * pair from LOCAL_KEY_DIR) in a child process, so its memory is measured apart from the clients.
 * Talks to scripts/soak.ts over the IPC channel: `ready` once listening, `stats` on request, and
 * it stops on `stop`.
 */
import { loadConfig } from '../lambda/config.js';
import { startServer } from '../lambda/local/server.js';
import { redirectJsonLines } from '../lambda/observability/output.js';
import { processStats } from './soak-stats.js';

/** Messages from scripts/soak.ts. */
export type SoakCommand = { readonly type: 'stats'; readonly id: number } | { readonly type: 'stop' };

/** Messages to scripts/soak.ts. */
export type SoakReport =
  | { readonly type: 'ready'; readonly url: string }
  | {
      readonly type: 'stats';
      readonly id: number;
      readonly stats: ReturnType<typeof processStats> & { readonly errorLogLines: number };
    };

async function main(): Promise<void> {
  const send = (message: SoakReport): void => {
    process.send?.(message);
  };
  const config = loadConfig({ ...process.env, KEY_SOURCE: 'local' });
  // One JSON line per request would flood the soak's output; ERROR lines (500s) are counted.
  let errorLogLines = 0;
  redirectJsonLines((line) => {
    if (line.includes('"level":"ERROR"')) errorLogLines += 1;
  });
  const server = await startServer({ port: 0, config });
  process.on('message', (message: SoakCommand) => {
    if (message.type === 'stats')
      send({ type: 'stats', id: message.id, stats: { ...processStats(), errorLogLines } });
    else server.close().then(() => process.exit(0));
  });
  send({ type: 'ready', url: server.url });
}

main().catch((e: unknown) => {
  process.stderr.write(`soak server failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
