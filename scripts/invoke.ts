/**
 * `npm run invoke -- <event.json>`: runs the Lambda handler in-process on an API Gateway REST
 * (v1 proxy) event file, like `sam local invoke` without Docker, and prints the result.
 *
 * The handler is built exactly as lambda/handler.ts builds it (same config, same dependencies);
 * only its log and metric lines go to stderr, so stdout carries the result alone.
 * Configuration comes from the environment (KEY_SOURCE defaults to `local`). Example events:
 * `npx tsx events/build-events.ts`, see events/README.md.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createHandler, initDependencies } from '../lambda/app.js';
import { loadConfig } from '../lambda/config.js';
import { localContext } from '../lambda/local/event.js';
import { redirectJsonLines } from '../lambda/observability/output.js';

const [eventFile] = process.argv.slice(2);
if (eventFile === undefined || eventFile === '--help' || eventFile === '-h') {
  process.stderr.write('Usage: npm run invoke -- <event.json>   (example events: events/*.json)\n');
  process.exit(eventFile === undefined ? 2 : 0);
}

const event = JSON.parse(await readFile(eventFile, 'utf8')) as APIGatewayProxyEvent;
const deps = await initDependencies(loadConfig());
const handler = createHandler(deps);
// Powertools writes logs and metrics to stdout: move them to stderr so stdout carries the result alone.
const restoreOutput = redirectJsonLines((line) => process.stderr.write(`${line}\n`));
const requestId = event.requestContext?.requestId ?? randomUUID();
const startedMs = performance.now();
const result = await handler(event, localContext(requestId));
const elapsedMs = performance.now() - startedMs;
restoreOutput();

let body: unknown = result.body;
try {
  body = JSON.parse(result.body);
} catch {
  // Not JSON: print it as text.
}
process.stdout.write(`${JSON.stringify({ ...result, body }, null, 2)}\n`);
process.stderr.write(`invoke took ${elapsedMs.toFixed(0)} ms (after init)\n`);
deps.engine.dispose();
