// Events: core/v1's printer (LAST SEEN TYPE REASON OBJECT MESSAGE), kube's event field selectors, and
// events.k8s.io/v1 serving the same stored objects with pkg/apis/events/v1's field mapping.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Api } from './harness.js';
import { builtinApi, table } from './builtin-harness.js';

const CORE = '/api/v1/namespaces/demo/events';
const NEW = '/apis/events.k8s.io/v1/namespaces/demo/events';
const coreEvent = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', namespace: 'demo', uid: 'u1' },
  reason: 'Checked',
  message: 'all good  ',
  type: 'Normal',
  source: { component: 'bar', host: 'node-1' },
  firstTimestamp: '2026-01-01T00:00:00Z',
  lastTimestamp: '2026-01-01T00:00:00Z',
  count: 3,
  ...extra,
});

let api: Api;
beforeEach(async () => {
  api = builtinApi();
  await api.namespace('demo');
});

describe('core/v1 events', () => {
  it("table: kube's columns, wide ones at priority 1, and the cells printEvent writes", async () => {
    await api.ok('POST', CORE, coreEvent('e1'));
    const t = await table(api, CORE);
    assert.deepEqual(t.columns, [
      'Last Seen',
      'Type',
      'Reason',
      'Object',
      'Subobject',
      'Source',
      'Message',
      'First Seen',
      'Count',
      'Name',
    ]);
    assert.deepEqual(t.priorities, [0, 0, 0, 0, 1, 1, 0, 1, 1, 1]);
    const row = t.rows[0]!;
    assert.match(row['Last Seen'] as string, /^\d+[smhdy]/);
    assert.deepEqual(
      [row.Type, row.Reason, row.Object, row.Subobject, row.Source, row.Message, row.Count, row.Name],
      ['Normal', 'Checked', 'configmap/cm', '', 'bar, node-1', 'all good', 3, 'e1'],
    );
  });

  it('a new-style event (no lastTimestamp, no count) shows its eventTime and a count of 1', async () => {
    await api.ok(
      'POST',
      CORE,
      coreEvent('e2', {
        firstTimestamp: undefined,
        lastTimestamp: undefined,
        count: undefined,
        eventTime: '2026-01-01T00:00:00.000000Z',
        reportingComponent: 'ctl',
        reportingInstance: 'ctl-1',
        action: 'Check',
      }),
    );
    const row = (await table(api, CORE)).rows[0]!;
    assert.notEqual(row['Last Seen'], '<unknown>');
    assert.equal(row.Count, 1);
  });

  const selectors: [string, number][] = [
    ['involvedObject.kind=ConfigMap,involvedObject.name=cm', 1],
    ['involvedObject.apiVersion=v1,involvedObject.namespace=demo,involvedObject.uid=u1', 1],
    ['reason=Checked,type=Normal,source=bar', 1],
    ['involvedObject.name=other', 0],
    ['type!=Normal', 0],
    ['reportingComponent=', 1],
    ['involvedObject.fieldPath=,involvedObject.resourceVersion=', 1],
  ];
  for (const [sel, n] of selectors) {
    it(`fieldSelector ${sel} → ${n}`, async () => {
      await api.ok('POST', CORE, coreEvent('e1'));
      const l = await api.ok('GET', `${CORE}?fieldSelector=${encodeURIComponent(sel)}`);
      assert.equal(l.items.length, n);
    });
  }

  it("an unknown field label is kube's 400", async () => {
    const r = await api.call('GET', `${CORE}?fieldSelector=involvedObject.color%3Dred`);
    assert.equal(r.code, 400);
    assert.equal(r.body.message, 'field label not supported: involvedObject.color');
  });

  it("the involved object must be in the event's namespace", async () => {
    const r = await api.call(
      'POST',
      CORE,
      coreEvent('e1', { involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } }),
    );
    assert.equal(r.code, 422);
    assert.match(r.body.message, /involvedObject\.namespace: Invalid value: "other": does not match event\.namespace/);
  });
});

describe('events.k8s.io/v1: the same objects', () => {
  it('a core event reads back with regarding/note/deprecated* fields', async () => {
    await api.ok('POST', CORE, coreEvent('e1'));
    const e = await api.ok('GET', `${NEW}/e1`);
    assert.equal(e.apiVersion, 'events.k8s.io/v1');
    assert.deepEqual(
      [e.regarding.name, e.note, e.deprecatedSource.component, e.deprecatedCount, e.deprecatedFirstTimestamp],
      ['cm', 'all good  ', 'bar', 3, '2026-01-01T00:00:00Z'],
    );
    for (const f of ['involvedObject', 'message', 'source', 'count']) assert.equal(e[f], undefined, f);
  });

  it('an events.k8s.io event reads back through core/v1 with the core names', async () => {
    await api.ok('POST', NEW, {
      metadata: { name: 'n1' },
      eventTime: '2026-01-01T00:00:00.000000Z',
      reportingController: 'example.com/ctl',
      reportingInstance: 'ctl-1',
      action: 'Reconcile',
      reason: 'Synced',
      note: 'done',
      type: 'Normal',
      regarding: { kind: 'ConfigMap', name: 'cm', namespace: 'demo' },
    });
    const core = await api.ok('GET', `${CORE}/n1`);
    assert.deepEqual(
      [core.apiVersion, core.reportingComponent, core.message, core.involvedObject.name],
      ['v1', 'example.com/ctl', 'done', 'cm'],
    );
    const list = await api.ok(
      'GET',
      `${NEW}?fieldSelector=${encodeURIComponent('involvedObject.name=cm,reportingComponent=example.com/ctl')}`,
    );
    assert.deepEqual(
      list.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['n1'],
    );
    const t = await table(api, NEW);
    assert.equal(t.rows[0]!.Object, 'configmap/cm');
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['no eventTime', {}, 'eventTime: Required value'],
    ['no reporting controller', { eventTime: '2026-01-01T00:00:00.000000Z' }, 'reportingController: Required value'],
    [
      'a bad type',
      { eventTime: '2026-01-01T00:00:00.000000Z', type: 'Loud' },
      'type: Invalid value: "": has invalid value: Loud',
    ],
    [
      'a deprecated field set',
      { eventTime: '2026-01-01T00:00:00.000000Z', deprecatedCount: 2 },
      'deprecatedCount: Invalid value: "": needs to be unset',
    ],
  ];
  for (const [what, body, text] of invalid) {
    it(`refuses ${what}`, async () => {
      const r = await api.call('POST', NEW, { metadata: { name: 'x' }, type: 'Normal', ...body });
      assert.equal(r.code, 422, r.text);
      assert.ok(r.body.message.includes(text), r.body.message);
    });
  }
});
