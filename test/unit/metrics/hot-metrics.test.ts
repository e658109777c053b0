// The hot-path series render exactly as prom-client's own counters and histograms do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { HotCounter, HotHistogram } from '../../../src/metrics/hot-metrics.js';

test('a counter adds per label tuple, in label-name order', async () => {
  const registry = new Registry();
  const c = new HotCounter('x_total', 'help text', ['verb', 'code'], registry);
  c.inc({ code: '200', verb: 'GET' });
  c.inc({ verb: 'GET', code: '200' }, 2);
  c.inc({ verb: 'LIST', code: '403' });
  const text = await registry.metrics();
  assert.match(text, /^# HELP x_total help text\n# TYPE x_total counter$/m);
  assert.match(text, /^x_total\{verb="GET",code="200"\} 3$/m);
  assert.match(text, /^x_total\{verb="LIST",code="403"\} 1$/m);
});

test('a histogram has cumulative buckets with le first, +Inf, _sum and _count', async () => {
  const registry = new Registry();
  const h = new HotHistogram('d_seconds', 'latency', ['verb'], [0.1, 1], registry);
  for (const v of [0.05, 0.5, 0.5, 5]) h.observe({ verb: 'GET' }, v);
  h.observe({ verb: 'GET' }, Number.NaN); // ignored, as prom-client refuses it
  const lines = (await registry.metrics()).split('\n').filter((l) => l.startsWith('d_seconds'));
  assert.deepEqual(lines, [
    'd_seconds_bucket{le="0.1",verb="GET"} 1',
    'd_seconds_bucket{le="1",verb="GET"} 3',
    'd_seconds_bucket{le="+Inf",verb="GET"} 4',
    'd_seconds_sum{verb="GET"} 6.05',
    'd_seconds_count{verb="GET"} 4',
  ]);
});
