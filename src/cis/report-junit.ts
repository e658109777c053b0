// JUnit XML, as kube-bench --junit: one <testsuite> per control, one <testcase> per check named "ID TEXT";
// FAIL is a <failure>, WARN/INFO are <skipped>.
import type { Report } from './types.js';

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function renderJunit(report: Report): string {
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n';
  for (const c of report.Controls) {
    const total = c.total_pass + c.total_fail + c.total_warn + c.total_info;
    out += `  <testsuite name="${xmlEscape(`${c.id} ${c.text}`)}" tests="${total}" failures="${c.total_fail}" skipped="${c.total_warn + c.total_info}">\n`;
    for (const g of c.tests) {
      for (const r of g.results) {
        out += `    <testcase name="${xmlEscape(`${r.test_number} ${r.test_desc}`)}" classname="${xmlEscape(`${g.section} ${g.desc}`)}">\n`;
        const body = xmlEscape(
          [
            `actual: ${r.actual_value}`,
            `expected: ${r.expected_result}`,
            r.reason ?? '',
            `remediation: ${r.remediation}`,
          ]
            .filter(Boolean)
            .join('\n'),
        );
        if (r.status === 'FAIL')
          out += `      <failure message="${xmlEscape(r.reason ?? r.expected_result)}">${body}</failure>\n`;
        else if (r.status !== 'PASS') out += `      <skipped message="${r.status}">${body}</skipped>\n`;
        out += `      <system-out>${xmlEscape(JSON.stringify(r))}</system-out>\n    </testcase>\n`;
      }
    }
    out += '  </testsuite>\n';
  }
  return out + '</testsuites>\n';
}
