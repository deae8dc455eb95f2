/** A printable table: what each section returns besides its raw data. */
export type Table = {
  title: string;
  columns: string[];
  rows: string[][];
  /** Lines printed under the table (targets, which contender is best, why). */
  notes: string[];
};

/** Renders a table as GitHub-flavoured Markdown (readable in a terminal and pasteable in a README). */
export function renderTable(table: Table): string {
  const widths = table.columns.map((c, i) =>
    Math.max(c.length, ...table.rows.map(r => (r[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const out = [
    `### ${table.title}`,
    '',
    line(table.columns),
    `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`,
    ...table.rows.map(r => line(r)),
  ];
  if (table.notes.length > 0) out.push('', ...table.notes.map(n => `- ${n}`));
  return out.join('\n');
}
