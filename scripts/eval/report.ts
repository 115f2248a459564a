/** Result rows of the evaluation, their targets and the printed table. */

export interface Target {
  readonly op: '>=' | '<=';
  readonly value: number;
}

export interface Row {
  /** Stable id, the key in JSON records (e.g. `occlusion.eye_auc`). */
  readonly id: string;
  readonly label: string;
  readonly value: number;
  /** Sample size behind the value. */
  readonly n: number;
  /** The issue's target; rows without one are context. */
  readonly target?: Target;
  /** The issue's figure for the engine before this work, where it gives one ("now"). */
  readonly issueNow?: number;
}

export function meets(row: Row): boolean | undefined {
  if (row.target === undefined) return undefined;
  if (!Number.isFinite(row.value)) return false;
  return row.target.op === '>=' ? row.value >= row.target.value : row.value <= row.target.value;
}

const fmt = (v: number | undefined): string =>
  v === undefined ? '' : Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3)) : 'n/a';

/** The table: id, label, n, baseline (when given), value, target and ✓/✗. */
export function formatTable(rows: readonly Row[], baseline: ReadonlyMap<string, number>): string {
  const header = ['metric', 'n', 'before', 'now', 'target', ''];
  const lines = rows.map((r) => {
    const ok = meets(r);
    return [
      r.label,
      String(r.n),
      fmt(baseline.get(r.id)),
      fmt(r.value),
      r.target === undefined ? '' : `${r.target.op} ${r.target.value}`,
      ok === undefined ? '' : ok ? 'pass' : 'FAIL',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const render = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}
