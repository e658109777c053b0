// kube-bench's text layout: [INFO] section headers, [STATUS] ID TEXT lines, then per control
// `== Remediations <node_type> ==` (FAIL and WARN only) and `== Summary <node_type> ==`, and a total summary
// (cmd/common.go prettyPrint and writeStdoutOutput).
import type { Counts, Report } from './types.js';

const COLORS: Record<string, string> = { PASS: '\x1b[32m', FAIL: '\x1b[31m', WARN: '\x1b[33m', INFO: '\x1b[34m' };

function tag(status: string, color: boolean): string {
  return color ? `${COLORS[status] ?? ''}[${status}]\x1b[0m` : `[${status}]`;
}

function summary(title: string, c: Counts): string {
  return `== Summary ${title} ==\n${c.pass} checks PASS\n${c.fail} checks FAIL\n${c.warn} checks WARN\n${c.info} checks INFO\n\n`;
}

export function renderText(report: Report, opts: { color?: boolean; details?: Map<string, string[]> } = {}): string {
  const color = !!opts.color;
  let out = '';
  for (const control of report.Controls) {
    out += `${tag('INFO', color)} ${control.id} ${control.text}\n`;
    for (const g of control.tests) {
      out += `${tag('INFO', color)} ${g.section} ${g.desc}\n`;
      for (const r of g.results) {
        out += `${tag(r.status, color)} ${r.test_number} ${r.test_desc}\n`;
        for (const d of opts.details?.get(r.test_number) ?? []) out += `       ${d}\n`;
      }
    }
    out += '\n';
    if (control.total_fail > 0 || control.total_warn > 0) {
      out += `== Remediations ${control.node_type} ==\n`;
      for (const g of control.tests) {
        for (const r of g.results) {
          if (r.status === 'FAIL') out += `${r.test_number} ${r.remediation.trim()}\n`;
          // kube-bench: a WARN because the audit could not run prints why, not the remediation.
          else if (r.status === 'WARN')
            out +=
              r.reason && r.type !== 'manual'
                ? `${r.test_number} audit test did not run: ${r.reason}\n`
                : `${r.test_number} ${r.remediation.trim()}\n`;
        }
      }
      out += '\n';
    }
    out += summary(control.node_type, {
      pass: control.total_pass,
      fail: control.total_fail,
      warn: control.total_warn,
      info: control.total_info,
    });
  }
  const t = report.Totals;
  out += summary('total', { pass: t.total_pass, fail: t.total_fail, warn: t.total_warn, info: t.total_info });
  return out;
}
