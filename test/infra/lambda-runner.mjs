/**
 * A stand-in for the Lambda Node.js runtime, run as its own `node` process by
 * staged-bundle.test.ts: it imports the staged handler module the way Lambda does (a dynamic
 * `import()` of the file, so top-level await and module resolution behave as on Lambda), then
 * answers invocations read as JSON lines on stdin. Results go to file descriptor 3, because the
 * handler's logs and EMF metrics own stdout as they do on Lambda.
 *
 * Usage: node lambda-runner.mjs /abs/path/to/index.mjs
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const RESULT_FD = 3;
/** Matches the function's timeout so the handler sees a realistic deadline. */
const TIMEOUT_MS = 28_000;

const send = (message) => writeSync(RESULT_FD, `${JSON.stringify(message)}\n`);
const describe = (e) => (e instanceof Error ? (e.stack ?? e.message) : String(e));

let handler;
try {
  ({ handler } = await import(pathToFileURL(process.argv[2] ?? '').href));
  if (typeof handler !== 'function') throw new Error('the module exports no function named handler');
  // CPU time of the whole init (Node start, import, top-level await), all threads: what a loaded
  // machine inflates far less than wall time.
  const cpu = process.cpuUsage();
  send({ ready: true, initCpuMs: Math.round((cpu.user + cpu.system) / 1000) });
} catch (e) {
  send({ initError: describe(e) });
  process.exit(1);
}

for await (const line of createInterface({ input: process.stdin })) {
  const { event, requestId } = JSON.parse(line);
  const deadlineMs = Date.now() + TIMEOUT_MS;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'face-quality',
    functionVersion: '1',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:face-quality:live',
    memoryLimitInMB: '2048',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/face-quality',
    logStreamName: 'staged-bundle-test',
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    send({ result: await handler(event, context) });
  } catch (e) {
    send({ error: describe(e) });
  }
}
