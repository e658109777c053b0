// Go's text forms of time.Duration, metav1.Time and metav1.MicroTime, with cases from Go's own time tests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatMicroTime, formatTime } from '../../../src/api/protobuf/go-format.js';
import { planFor } from '../../../src/api/protobuf/plan.js';
import { decodeMessage } from '../../../src/api/protobuf/wire.js';
import { messageToJson } from '../../../src/api/protobuf/to-json.js';
import { encodeMessage } from './helpers.js';

const S = 1000000000n;

describe('formatDuration (time.Duration.String)', () => {
  const cases: [bigint, string][] = [
    [0n, '0s'],
    [1n, '1ns'],
    [1100n, '1.1µs'],
    [2200000n, '2.2ms'],
    [3300000000n, '3.3s'],
    [4n * 60n * S + 5n * S, '4m5s'],
    [4n * 60n * S + 5001000000n, '4m5.001s'],
    [5n * 3600n * S + 6n * 60n * S + 7001000000n, '5h6m7.001s'],
    [8n * 60n * S + 1n, '8m0.000000001s'],
    [3600n * S, '1h0m0s'],
    [-1500000n, '-1.5ms'],
    [9223372036854775807n, '2562047h47m16.854775807s'],
    [-9223372036854775808n, '-2562047h47m16.854775808s'],
  ];
  for (const [nanos, want] of cases) it(`${nanos} → ${want}`, () => assert.equal(formatDuration(nanos), want));
});

describe('formatTime and formatMicroTime (RFC 3339 in UTC)', () => {
  const cases: [string, string][] = [
    [formatTime(1704164645n), '2024-01-02T03:04:05Z'],
    [formatTime(0n), '1970-01-01T00:00:00Z'],
    [formatTime(-62135596799n), '0001-01-01T00:00:01Z'],
    [formatTime(253402300799n), '9999-12-31T23:59:59Z'],
    [formatMicroTime(1704164645n, 123456789), '2024-01-02T03:04:05.123456Z'],
    [formatMicroTime(1704164645n, 0), '2024-01-02T03:04:05.000000Z'],
    [formatMicroTime(1704164645n, 1500000000), '2024-01-02T03:04:06.500000Z'],
    [formatMicroTime(1704164645n, -1), '2024-01-02T03:04:04.999999Z'],
  ];
  for (const [got, want] of cases) it(want, () => assert.equal(got, want));
  it('refuses years outside 0001-9999', () => {
    assert.throws(() => formatTime(253402300800n), /outside the years/);
    assert.throws(() => formatTime(-62135596801n), /outside the years/);
  });
});

describe('self-marshalling messages read directly', () => {
  const json = (type: string, object: Record<string, unknown>): unknown =>
    messageToJson(decodeMessage(planFor(type), encodeMessage(type, object)));
  const cases: [string, Record<string, unknown>, unknown][] = [
    ['meta.v1.Duration', { duration: 90 * 1e9 }, '1m30s'],
    ['meta.v1.Duration', {}, '0s'],
    ['runtime.RawExtension', { raw: Buffer.from('{"a":[1,"x",null]}') }, { a: [1, 'x', null] }],
    ['runtime.RawExtension', {}, null],
    ['intstr.IntOrString', {}, 0],
    ['intstr.IntOrString', { type: 1 }, ''],
    ['resource.Quantity', {}, '0'],
    ['resource.Quantity', { string: '1.5e3' }, '1.5e3'],
    ['meta.v1.MicroTime', { seconds: 1704164645, nanos: 1000 }, '2024-01-02T03:04:05.000001Z'],
    ['meta.v1.Time', { seconds: 1704164645, nanos: 999000000 }, '2024-01-02T03:04:05Z'],
  ];
  for (const [type, object, want] of cases) {
    it(`${type} ${JSON.stringify(object)} → ${JSON.stringify(want)}`, () =>
      assert.deepStrictEqual(json(type, object), want));
  }
});
