// `kauth node-layout` + `kauth audit node` through the compiled CLI: kube-bench's JSON field names (compared
// with a kube-bench result.json sample kept as a fixture), text layout, JUnit, --exit-code, bad input; and the
// HTML report opened in real headless Chromium (playwright-core + Debian chromium) with a screenshot.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { ROOT } from './harness.js';

/** The compiled CLI, with stderr kept on success too (warnings go there). */
function kauth(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const keys = (o: object) => Object.keys(o).sort();
let dir: string;
let insecure: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kauth-audit-e2e-'));
  insecure = join(dir, 'insecure');
  const r = kauth([
    'node-layout',
    '--root',
    insecure,
    '--insecure',
    '--advertise-address',
    '192.0.2.10',
    '--cert-algorithm',
    'ECDSA-P256',
  ]);
  assert.equal(r.code, 0, r.err);
});

describe('kauth audit node (CLI)', () => {
  it('--json uses exactly the field names of a kube-bench result', () => {
    const sample = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/cis/kube-bench-result.json'), 'utf8'));
    const ours = JSON.parse(kauth(['audit', 'node', '--root', insecure, '--json']).out);
    assert.deepEqual(keys(ours), keys(sample));
    const [c0, s0] = [ours.Controls[0], sample.Controls[0]];
    for (const k of keys(s0)) assert.ok(k in c0, `control field ${k}`);
    for (const k of keys(s0.tests[0])) assert.ok(k in c0.tests[0], `group field ${k}`);
    for (const k of keys(s0.tests[0].results[0])) assert.ok(k in c0.tests[0].results[0], `result field ${k}`);
    assert.deepEqual(keys(ours.Totals), keys(sample.Totals));
    const r421 = ours.Controls.flatMap((c: any) => c.tests.flatMap((g: any) => g.results)).find(
      (r: any) => r.test_number === '4.2.1',
    ); // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(r421.test_desc, 'Ensure that the --anonymous-auth argument is set to false (Automated)');
    assert.equal(r421.status, 'FAIL');
  });

  it('text, junit and --exit-code', () => {
    const t = kauth(['audit', 'node', '--root', insecure]);
    assert.match(t.out, /^\[FAIL\] 4\.2\.1 Ensure that the --anonymous-auth argument is set to false \(Automated\)$/m);
    assert.match(t.out, /^\[WARN\] 4\.2\.4 Verify that the --read-only-port argument is set to 0 \(Manual\)$/m);
    assert.match(t.out, /^== Remediations node ==$/m);
    assert.match(t.out, /^== Summary total ==\n\d+ checks PASS\n\d+ checks FAIL\n/m);
    assert.equal(kauth(['audit', 'node', '--root', insecure, '--exit-code', '7']).code, 7);
    const j = kauth(['audit', 'node', '--root', insecure, '--junit']).out;
    assert.match(j, /<testcase name="4\.2\.1 Ensure that the --anonymous-auth[^"]*"[^>]*>\s*<failure /);
  });

  it('a malformed kubelet config is named, never a stack trace', () => {
    const root = join(dir, 'broken');
    assert.equal(kauth(['node-layout', '--root', root, '--cert-algorithm', 'ECDSA-P256']).code, 0);
    writeFileSync(join(root, 'var/lib/kubelet/config.yaml'), 'authentication: {anonymous: [');
    const r = kauth(['audit', 'node', '--root', root]);
    assert.match(r.err, /^warning: var\/lib\/kubelet\/config\.yaml: malformed YAML/m);
    assert.doesNotMatch(r.err + r.out, /\n\s+at .+:\d+:\d+/);
    const bad = kauth(['audit', 'node', '--root', root, '--exit-code', 'x']);
    assert.match(bad.err, /^error: --exit-code: want an integer/m);
  });

  it('the HTML report renders in headless Chromium: score, charts, filters', async () => {
    const html = join(dir, 'report.html');
    const r = kauth(['audit', 'node', '--root', insecure, '--html', html]);
    assert.equal(r.code, 0, r.err);
    const text = readFileSync(html, 'utf8');
    assert.doesNotMatch(text, /<(script|link)\b[^>]*\b(src|href)=/i, 'nothing external');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const requests: string[] = [];
      page.on('request', (q) => {
        if (!q.url().startsWith('file:')) requests.push(q.url());
      });
      await page.goto(`file://${html}`);
      assert.match((await page.textContent('#score')) ?? '', /^\d+%$/);
      assert.ok(await page.isVisible('svg.donut'));
      const bars = await page.$$eval('svg.bars rect', (rs) => rs.length);
      assert.ok(bars >= 8, `${bars} bar segments`);
      const rows = await page.$$eval('tbody tr', (trs) => trs.length);
      await page.uncheck('input.f[value="PASS"]');
      const visible = await page.$$eval('tbody tr:not(.hidden)', (trs) =>
        trs.map((t) => t.getAttribute('data-status')),
      );
      assert.ok(visible.length > 0 && visible.length < rows && !visible.includes('PASS'));
      await page.fill('#q', '--read-only-port');
      assert.deepEqual(
        await page.$$eval('tbody tr:not(.hidden) td:nth-child(2)', (tds) => tds.map((t) => t.textContent)),
        ['4.2.4'],
      );
      await page.fill('#q', '');
      await page.check('input.f[value="PASS"]');
      const shot = join(dir, 'audit-report.png');
      await page.screenshot({ path: shot, fullPage: false });
      assert.ok(existsSync(shot) && statSync(shot).size > 10_000);
      process.stdout.write(`# screenshot: ${shot}\n`);
      assert.deepEqual(requests, []);
    } finally {
      await browser.close();
    }
  });
});
