// One self-contained HTML page: a score, a donut of all statuses, a stacked bar per section, and a filterable
// table of every check. Inline CSS, inline SVG and a few lines of inline script; nothing is fetched.
import type { Report } from './types.js';
import { xmlEscape as esc } from './report-junit.js';

const COLOR: Record<string, string> = { PASS: '#2e7d32', FAIL: '#c62828', WARN: '#ef8f00', INFO: '#1565c0' };
const STATUSES = ['PASS', 'FAIL', 'WARN', 'INFO'] as const;
const LABEL_W = 220;

/** Passed share of the scored checks that could be decided (PASS or FAIL), as kube-bench users compute it. */
export function score(report: Report): number {
  const scored = report.Controls.flatMap((c) => c.tests.flatMap((g) => g.results)).filter(
    (r) => r.scored && (r.status === 'PASS' || r.status === 'FAIL'),
  );
  return scored.length ? Math.round((100 * scored.filter((r) => r.status === 'PASS').length) / scored.length) : 100;
}

function donut(counts: Record<string, number>): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
  const r = 60,
    circ = 2 * Math.PI * r;
  let offset = 0;
  const arcs = STATUSES.map((s) => {
    const len = (counts[s]! / total) * circ;
    const arc = `<circle r="${r}" cx="80" cy="80" fill="none" stroke="${COLOR[s]}" stroke-width="28" stroke-dasharray="${len.toFixed(2)} ${(circ - len).toFixed(2)}" stroke-dashoffset="${(-offset).toFixed(2)}" transform="rotate(-90 80 80)"><title>${s}: ${counts[s]}</title></circle>`;
    offset += len;
    return arc;
  });
  return `<svg class="donut" width="160" height="160" viewBox="0 0 160 160" role="img" aria-label="status totals">${arcs.join('')}</svg>`;
}

function sectionBars(report: Report): string {
  const rows = report.Controls.flatMap((c) =>
    c.tests.map((g) => ({
      id: g.section,
      desc: g.desc,
      counts: { PASS: g.pass, FAIL: g.fail, WARN: g.warn, INFO: g.info } as Record<string, number>,
    })),
  );
  const w = 420,
    h = 22;
  const bars = rows.map((row, i) => {
    const total = STATUSES.reduce((a, s) => a + row.counts[s]!, 0) || 1;
    let x = 0;
    const parts = STATUSES.map((s) => {
      const bw = (row.counts[s]! / total) * w;
      const rect =
        bw > 0
          ? `<rect x="${(LABEL_W + x).toFixed(1)}" y="${i * (h + 6)}" width="${bw.toFixed(1)}" height="${h}" fill="${COLOR[s]}"><title>${esc(row.id)} ${s}: ${row.counts[s]}</title></rect>`
          : '';
      x += bw;
      return rect;
    }).join('');
    return `<text x="0" y="${i * (h + 6) + 15}" font-size="12">${esc(`${row.id} ${row.desc}`.slice(0, 34))}</text>${parts}`;
  });
  return `<svg class="bars" width="${w + LABEL_W + 10}" height="${rows.length * (h + 6)}" role="img" aria-label="per-section results">${bars.join('')}</svg>`;
}

export function renderHtml(report: Report, title = 'kauth audit: CIS Kubernetes Benchmark v1.10'): string {
  const t = report.Totals;
  const counts: Record<string, number> = {
    PASS: t.total_pass,
    FAIL: t.total_fail,
    WARN: t.total_warn,
    INFO: t.total_info,
  };
  const rows = report.Controls.flatMap((c) =>
    c.tests.flatMap((g) =>
      g.results.map(
        (r) =>
          `<tr class="${r.status}" data-status="${r.status}">` +
          `<td><span class="badge" style="background:${COLOR[r.status]}">${r.status}</span></td><td>${esc(r.test_number)}</td>` +
          `<td>${esc(r.test_desc)}<details><summary>details</summary><p><b>expected:</b> ${esc(r.expected_result)}</p>` +
          `<p><b>actual:</b> <code>${esc(r.actual_value)}</code></p>${r.reason ? `<p><b>note:</b> ${esc(r.reason)}</p>` : ''}` +
          `<pre>${esc(r.remediation)}</pre></details></td><td>${r.scored ? 'scored' : 'not scored'}</td></tr>`,
      ),
    ),
  ).join('\n');
  const legend = STATUSES.map(
    (s) =>
      `<label><input type="checkbox" class="f" value="${s}" checked> <span class="badge" style="background:${COLOR[s]}">${s}</span> ${counts[s]}</label>`,
  ).join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:20px}.top{display:flex;gap:32px;align-items:center;flex-wrap:wrap}
.score{font-size:48px;font-weight:700}.badge{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px}
table{border-collapse:collapse;width:100%;margin-top:16px}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;background:#f6f6f6;padding:6px}.hidden{display:none}#q{padding:4px;width:260px}
</style></head><body>
<h1>${esc(title)}</h1>
<div class="top"><div><div class="score" id="score">${score(report)}%</div><div>of scored checks pass</div></div>${donut(counts)}${sectionBars(report)}</div>
<p>${legend} <input id="q" type="search" placeholder="filter by id or text"></p>
<table><thead><tr><th>status</th><th>id</th><th>check</th><th></th></tr></thead><tbody>
${rows}
</tbody></table>
<script>
const apply=()=>{const on=new Set([...document.querySelectorAll('.f:checked')].map(e=>e.value));const q=document.getElementById('q').value.toLowerCase();
for(const tr of document.querySelectorAll('tbody tr')){tr.classList.toggle('hidden',!on.has(tr.dataset.status)||!tr.textContent.toLowerCase().includes(q));}};
for(const e of document.querySelectorAll('.f,#q'))e.addEventListener('input',apply);
</script>
</body></html>
`;
}
