import type { Figure } from './figures.ts';

/** The figures as a plain-text table for the terminal, notes below it. */
export function formatTable(figures: readonly Figure[]): string {
  const header = ['scenario', 'metric', 'value', 'target', 'ratio to ceiling', 'pass'];
  const rows = figures.map((f) => [
    f.name,
    f.metric,
    `${f.value}${f.unit ? ` ${f.unit}` : ''}`,
    f.target,
    f.ratio === null ? '–' : `${f.ratio} (${f.ceiling?.what ?? ''})`,
    f.pass === null ? '–' : f.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const notes = [...new Set(figures.map((f) => `${f.name}: ${f.note}`).filter((n) => !n.endsWith(': ')))];
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    ...notes.map((n) => `  ${n}`),
  ].join('\n');
}
