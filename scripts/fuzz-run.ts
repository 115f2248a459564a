/**
 * Runs fuzz cases against the real local server (over HTTP or raw TCP) or the real handler (API
 * Gateway events), and checks every answer against the contract: never a 5xx, never slower than
 * the latency limit, always JSON with a contract code (and the error shape for errors), and a code
 * the case may answer.
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ERROR_TABLE, SUCCESS_CODE } from '../lambda/http/error-table.js';
import { localContext } from '../lambda/local/event.js';
import { CONTRACT_CODES, type FuzzCase } from './fuzz-corpus.js';

/** Slowest acceptable answer, in milliseconds. */
export const MAX_LATENCY_MS = 10_000;
/** How long the client waits before it calls a case unanswered. */
const CLIENT_TIMEOUT_MS = 30_000;

/** What the fuzz talks to. */
export interface FuzzTarget {
  /** Base URL of the local server. */
  readonly url: string;
  /** The handler the server calls, for event cases. */
  readonly handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
}

/** An answer as received. */
interface Received {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export interface FuzzResult {
  readonly id: string;
  readonly family: string;
  readonly status: number | undefined;
  readonly code: number | undefined;
  readonly latencyMs: number;
  /** CPU time of this process (client and in-process server) during the case, in ms. */
  readonly cpuMs: number;
  /** Why the answer breaks the contract; empty when it is fine. */
  readonly violations: readonly string[];
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function sendHttp(url: string, c: Extract<FuzzCase['request'], { kind: 'http' }>): Promise<Received> {
  return new Promise((resolve, reject) => {
    const headers = { ...c.headers, 'content-length': String(c.body.length) };
    const req = httpRequest(`${url}${c.path}`, { method: c.method, headers, agent }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => {
        const flat: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(res.headers))
          flat[name] = Array.isArray(value) ? value.join(',') : value;
        resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(parts).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.setTimeout(CLIENT_TIMEOUT_MS, () => req.destroy(new Error('no answer in time')));
    req.on('error', reject);
    req.end(c.body);
  });
}

/** Parses one HTTP/1.1 response (status line, headers, Content-Length body) from raw bytes. */
function parseRawResponse(bytes: Buffer): Received {
  const text = bytes.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) throw new Error(`no HTTP response: ${JSON.stringify(text.slice(0, 80))}`);
  const [statusLine = '', ...lines] = text.slice(0, headEnd).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? Number.NaN);
  const body = bytes.subarray(headEnd + 4, Number.isFinite(length) ? headEnd + 4 + length : undefined);
  return { status, headers, body: body.toString('utf8') };
}

function sendRaw(url: string, bytes: Buffer): Promise<Received> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const parts: Buffer[] = [];
    socket.setTimeout(CLIENT_TIMEOUT_MS, () => socket.destroy(new Error('no answer in time')));
    socket.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      // One answer is all a case needs; the server may keep the connection open after it.
      try {
        const answer = parseRawResponse(Buffer.concat(parts));
        const length = Number(answer.headers['content-length']);
        if (Number.isFinite(length) && Buffer.byteLength(answer.body) >= length) {
          socket.destroy();
          resolve(answer);
        }
      } catch {
        // Incomplete so far.
      }
    });
    socket.on('end', () => {
      try {
        resolve(parseRawResponse(Buffer.concat(parts)));
      } catch (e) {
        reject(e);
      }
    });
    socket.on('error', reject);
    socket.write(bytes);
  });
}

async function sendEvent(target: FuzzTarget, event: APIGatewayProxyEvent): Promise<Received> {
  const result = await target.handler(structuredClone(event), localContext(`fuzz-${performance.now()}`));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  return { status: result.statusCode, headers, body: result.body };
}

const STATUS_OF_CODE = new Map<number, Set<number>>();
for (const row of [{ code: SUCCESS_CODE, status: 200 }, ...Object.values(ERROR_TABLE)]) {
  STATUS_OF_CODE.set(row.code, (STATUS_OF_CODE.get(row.code) ?? new Set()).add(row.status));
}

/** The contract violations of one answer. Pure. */
export function checkAnswer(
  c: FuzzCase,
  answer: Received,
  latencyMs: number,
): { code: number | undefined; violations: string[] } {
  const violations: string[] = [];
  if (answer.status >= 500) violations.push(`HTTP ${answer.status}`);
  if (latencyMs > MAX_LATENCY_MS) violations.push(`slow: ${Math.round(latencyMs)} ms`);
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    violations.push(`body is not JSON: ${JSON.stringify(answer.body.slice(0, 80))}`);
    return { code: undefined, violations };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    violations.push('body is not a JSON object');
    return { code: undefined, violations };
  }
  const body = json as Record<string, unknown>;
  const code = typeof body.code === 'number' ? body.code : undefined;
  if (code === undefined || !CONTRACT_CODES.includes(code)) {
    violations.push(`code ${String(body.code)} is not a contract code`);
    return { code, violations };
  }
  if (!STATUS_OF_CODE.get(code)?.has(answer.status))
    violations.push(`code ${code} with HTTP ${answer.status}`);
  if (typeof body.request_id !== 'string' || body.request_id === '') violations.push('no request_id');
  else if (answer.headers['x-request-id'] !== body.request_id)
    violations.push('x-request-id differs from request_id');
  if (code === SUCCESS_CODE) {
    if (!Array.isArray(body.faces) || body.faces.length === 0) violations.push('1000 without faces');
  } else {
    const keys = Object.keys(body).sort().join(',');
    if (keys !== 'code,message,request_id') violations.push(`error keys ${keys}`);
    if (typeof body.message !== 'string' || body.message === '') violations.push('error without message');
  }
  if (!c.expected.includes(code)) violations.push(`code ${code}, expected ${c.expected.join('|')}`);
  return { code, violations };
}

/** Sends one case and checks its answer. Never throws: a failure to get an answer is a violation. */
export async function runCase(target: FuzzTarget, c: FuzzCase): Promise<FuzzResult> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const cpuMs = (): number => {
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / 1000;
  };
  let answer: Received;
  try {
    const r = c.request;
    answer =
      r.kind === 'http'
        ? await sendHttp(target.url, r)
        : r.kind === 'raw'
          ? await sendRaw(target.url, r.bytes)
          : await sendEvent(target, r.event);
  } catch (e) {
    const latencyMs = performance.now() - started;
    return {
      id: c.id,
      family: c.family,
      status: undefined,
      code: undefined,
      latencyMs,
      cpuMs: cpuMs(),
      violations: [`no answer: ${e instanceof Error ? e.message : String(e)}`],
    };
  }
  const latencyMs = performance.now() - started;
  const used = cpuMs();
  const { code, violations } = checkAnswer(c, answer, latencyMs);
  // The CPU time tells a costly input (CPU close to the wall time) from a starved machine.
  const explained = violations.map((v) => (v.startsWith('slow:') ? `${v} (CPU ${Math.round(used)} ms)` : v));
  return {
    id: c.id,
    family: c.family,
    status: answer.status,
    code,
    latencyMs,
    cpuMs: used,
    violations: explained,
  };
}

/** Runs `cases` one after the other; `onResult` sees each result as it comes. */
export async function runCases(
  target: FuzzTarget,
  cases: readonly FuzzCase[],
  onResult: (result: FuzzResult, index: number) => void = () => undefined,
): Promise<FuzzResult[]> {
  const results: FuzzResult[] = [];
  for (const [index, c] of cases.entries()) {
    const result = await runCase(target, c);
    results.push(result);
    onResult(result, index);
  }
  return results;
}

/** Closes the keep-alive connections the runner opened. */
export function closeFuzzClient(): void {
  agent.destroy();
}

/** Counts and latencies of a run, for the report. */
export interface FuzzSummary {
  readonly cases: number;
  readonly failures: readonly FuzzResult[];
  readonly byCode: Readonly<Record<string, number>>;
  /** CPU seconds spent per answered code. */
  readonly cpuSecondsByCode: Readonly<Record<string, number>>;
  readonly byFamily: Readonly<Record<string, number>>;
  readonly maxLatencyMs: number;
  readonly slowest: string;
  /** Most CPU time one case took, in ms, and which. */
  readonly maxCpuMs: number;
  readonly costliest: string;
  readonly p50LatencyMs: number;
  readonly p95LatencyMs: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/** Summarises results. Pure. */
export function summarize(results: readonly FuzzResult[]): FuzzSummary {
  const byCode: Record<string, number> = {};
  const byFamily: Record<string, number> = {};
  const cpuSecondsByCode: Record<string, number> = {};
  for (const r of results) {
    const code = r.code === undefined ? 'none' : String(r.code);
    byCode[code] = (byCode[code] ?? 0) + 1;
    cpuSecondsByCode[code] = (cpuSecondsByCode[code] ?? 0) + r.cpuMs / 1000;
    byFamily[r.family] = (byFamily[r.family] ?? 0) + 1;
  }
  const latencies = results.map((r) => r.latencyMs).sort((a, b) => a - b);
  const costliest = results.reduce<FuzzResult | undefined>(
    (a, r) => (a === undefined || r.cpuMs > a.cpuMs ? r : a),
    undefined,
  );
  const slowest = results.reduce<FuzzResult | undefined>(
    (a, r) => (a === undefined || r.latencyMs > a.latencyMs ? r : a),
    undefined,
  );
  return {
    cases: results.length,
    failures: results.filter((r) => r.violations.length > 0),
    byCode,
    cpuSecondsByCode: Object.fromEntries(
      Object.entries(cpuSecondsByCode).map(([code, seconds]) => [code, Math.round(seconds * 10) / 10]),
    ),
    byFamily,
    maxLatencyMs: Math.round(slowest?.latencyMs ?? 0),
    slowest: slowest?.id ?? '',
    maxCpuMs: Math.round(costliest?.cpuMs ?? 0),
    costliest: costliest?.id ?? '',
    p50LatencyMs: Math.round(percentile(latencies, 0.5)),
    p95LatencyMs: Math.round(percentile(latencies, 0.95)),
  };
}

/** The summary as text lines. */
export function formatSummary(summary: FuzzSummary): string {
  const pairs = (o: Readonly<Record<string, number>>) =>
    Object.entries(o)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
  return [
    `cases: ${summary.cases}, failures: ${summary.failures.length}`,
    `answers by code: ${pairs(summary.byCode)}`,
    `CPU seconds by code: ${pairs(summary.cpuSecondsByCode)}`,
    `cases by family: ${pairs(summary.byFamily)}`,
    `latency: p50 ${summary.p50LatencyMs} ms, p95 ${summary.p95LatencyMs} ms, max ${summary.maxLatencyMs} ms (${summary.slowest}); most CPU for one case ${summary.maxCpuMs} ms (${summary.costliest})`,
    ...summary.failures.map((f) => `FAIL ${f.id}: ${f.violations.join('; ')}`),
  ].join('\n');
}
