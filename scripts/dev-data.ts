/** Readers for the research sets in ../shared/data/dev, shared by the evaluation scripts. */
import { readFileSync } from 'node:fs';
import type { Point } from '../lambda/engine/types.js';

/**
 * The points of an iBUG / 300-W `.pts` file (with or without its header), converted from the
 * format's 1-based (Matlab) coordinates to 0-based pixels.
 */
export function readPts(path: string): Point[] {
  const points: Point[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*(-?[\d.]+)\s+(-?[\d.]+)\s*$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) points.push({ x: Number(m[1]) - 1, y: Number(m[2]) - 1 });
  }
  return points;
}
