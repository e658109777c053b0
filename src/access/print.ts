// kubectl-like text tables for the access-review results (upper-case headers, columns padded by three spaces).
// Pure string functions; browser-safe (no node: imports).
import type { RbacDiff } from './diff.js';
import type { AccessMatrix } from './matrix.js';
import { describeRequestTarget } from './request.js';
import type { WhoCanResult } from './who-can.js';

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]! + 3)))
      .join('')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

export function printWhoCan(r: WhoCanResult): string {
  const rows = r.entries.map((e) => [
    e.subject.kind,
    e.subject.kind === 'ServiceAccount' ? `${e.subject.namespace}/${e.subject.name}` : e.subject.name,
    e.binding
      ? `${e.binding.kind}/${e.binding.namespace ? `${e.binding.namespace}/` : ''}${e.binding.name}`
      : '(privileged group)',
    e.role ? `${e.role.kind}/${e.role.name}` : '(everything: allowed before RBAC is asked)',
  ]);
  const scope = r.request.namespace ? ` in namespace ${r.request.namespace}` : '';
  const head = `Subjects allowed to ${r.request.verb} ${describeRequestTarget(r.request)}${r.request.name ? ` ${r.request.name}` : ''}${scope}:\n`;
  const errs = r.errors.length
    ? `\nNot resolvable (role not found):\n${r.errors.map((e) => `  ${e}`).join('\n')}\n`
    : '';
  return head + table(['KIND', 'SUBJECT', 'BINDING', 'ROLE'], rows) + errs;
}

export function printMatrix(m: AccessMatrix): string {
  const mark = { yes: '✔', no: '✖', 'n/a': '' } as const;
  const rows = m.rows.map((r) => [r.name, ...m.verbs.map((v) => mark[r.cells[v]!])]);
  return table(['NAME', ...m.verbs.map((v) => v.toUpperCase())], rows);
}

export function printDiff(d: RbacDiff): string {
  if (d.gained.length === 0 && d.lost.length === 0) return 'No change in RBAC permissions.\n';
  const rows = [...d.gained, ...d.lost].map((c) => [
    c.change,
    `${c.subject.kind} ${c.subject.kind === 'ServiceAccount' ? `${c.subject.namespace}/` : ''}${c.subject.name}`,
    c.namespace || '(cluster)',
    c.verbs.join(','),
    c.nonResourceURL ??
      `${c.resource}${c.apiGroup ? `.${c.apiGroup}` : ''}${c.resourceName ? ` (name ${c.resourceName})` : ''}`,
    c.via.join(', '),
  ]);
  return table(['CHANGE', 'SUBJECT', 'NAMESPACE', 'VERBS', 'RESOURCE', 'VIA'], rows);
}
