/**
 * Captures the JSON lines (Powertools' logs and EMF metrics) that the code under test writes to
 * stdout and stderr, as Lambda would receive them; other output passes through.
 */
import { redirectJsonLines } from '../../lambda/observability/output.js';

export interface CapturedLines {
  /** Every JSON line captured so far, in order. */
  readonly lines: string[];
  /** The captured lines, parsed. */
  records(): Record<string, unknown>[];
  /** Forgets the lines captured so far. */
  clear(): void;
  /** Stops capturing. */
  stop(): void;
}

/** Starts capturing; call `stop()` (e.g. in `afterAll`). */
export function captureJsonLines(): CapturedLines {
  const lines: string[] = [];
  const stop = redirectJsonLines((line) => lines.push(line));
  return {
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    clear: () => {
      lines.length = 0;
    },
    stop,
  };
}

/** True for an Embedded Metric Format document. */
export function isEmf(record: Record<string, unknown>): boolean {
  return typeof record._aws === 'object' && record._aws !== null;
}
