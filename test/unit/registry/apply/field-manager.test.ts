// kube's FieldManager around the engine: which managedFields a write starts from, the entry of the current
// operation (merged into its manager, timestamped when it changed something), server-owned metadata owned by
// nobody, the cap of ten update entries, and apply's checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../../src/api/types.js';
import { builtinType } from '../../../../src/registry/apply/builtin-types.js';
import {
  applyConfiguration,
  managerOrUserAgent,
  recordUpdate,
  type ManagedWrite,
} from '../../../../src/registry/apply/field-manager.js';
import { FieldSet } from '../../../../src/registry/apply/field-set.js';
import { StatusError } from '../../../../src/api/errors.js';

let clock = 0;
const w = (extra: Partial<ManagedWrite> = {}): ManagedWrite => ({
  type: builtinType('ConfigMap'),
  apiVersion: 'v1',
  now: () => `2026-01-01T00:00:${String(clock++ % 60).padStart(2, '0')}Z`,
  ...extra,
});
const cm = (data: Record<string, string>, meta: Record<string, unknown> = {}): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'd', uid: 'u', resourceVersion: '5', ...meta },
    data,
  }) as KubeObject;
type Entry = {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
};
const entries = (o: KubeObject) => (o.metadata.managedFields ?? []) as unknown as Entry[];

describe('managerOrUserAgent', () => {
  for (const [fm, ua, want] of [
    ['', 'kubectl/v1.35.2 (linux/amd64) kubernetes/fdc9d74', 'kubectl'],
    ['mine', 'kubectl/v1', 'mine'],
    [null, undefined, ''],
    [null, 'Go-http-client/1.1', 'Go-http-client'],
  ] as const) {
    it(`${JSON.stringify(fm)} + ${JSON.stringify(ua)} → ${JSON.stringify(want)}`, () =>
      assert.equal(managerOrUserAgent(fm, ua), want));
  }
});

describe('recordUpdate', () => {
  it("a create owns every field it set, the added maps themselves included; server-owned metadata is nobody's", () => {
    const next = cm({ key: 'a' }, { labels: { app: 'x' } });
    recordUpdate(undefined, next, 'kubectl-create', w());
    const [e] = entries(next);
    assert.equal(entries(next).length, 1);
    assert.equal(e!.manager, 'kubectl-create');
    assert.equal(e!.operation, 'Update');
    assert.equal(e!.apiVersion, 'v1');
    assert.equal(e!.fieldsType, 'FieldsV1');
    assert.match(e!.time!, /^2026-01-01T00:00:\d\dZ$/);
    assert.deepEqual(e!.fieldsV1, {
      'f:data': { '.': {}, 'f:key': {} },
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    });
  });

  it('an update takes what it changed and leaves the rest with its owner; a no-op adds nothing', () => {
    const created = cm({ a: '1', b: '2' });
    recordUpdate(undefined, created, 'kubectl-create', w());
    const edited = cm({ a: '9', b: '2' }, { managedFields: undefined });
    recordUpdate(created, edited, 'kubectl-edit', w());
    const byManager = Object.fromEntries(entries(edited).map((e) => [e.manager, e.fieldsV1]));
    assert.deepEqual(byManager['kubectl-edit'], { 'f:data': { 'f:a': {} } });
    assert.deepEqual(byManager['kubectl-create'], { 'f:data': { '.': {}, 'f:b': {} } });
    const again = cm({ a: '9', b: '2' });
    recordUpdate(edited, again, 'kubectl-edit', w());
    assert.deepEqual(entries(again), entries(edited), 'same entries, same times');
  });

  it('managedFields: [{}] in the request resets them; an omitted or empty list keeps the live ones', () => {
    const created = cm({ a: '1' });
    recordUpdate(undefined, created, 'kubectl-create', w());
    const reset = cm({ a: '1' }, { managedFields: [{}] });
    recordUpdate(created, reset, 'x', w());
    assert.deepEqual(entries(reset), []);
    const kept = cm({ a: '1' }, { managedFields: [] });
    recordUpdate(created, kept, 'x', w());
    assert.deepEqual(
      entries(kept).map((e) => e.manager),
      ['kubectl-create'],
    );
  });

  it('at most ten update entries: the oldest fold into "ancient-changes"', () => {
    let live = cm({});
    for (let i = 0; i < 12; i++) {
      const next = cm(
        { ...(live.data as Record<string, string>), [`k${i}`]: 'v' },
        { managedFields: live.metadata.managedFields },
      );
      recordUpdate(live, next, `m${i}`, w());
      live = next;
    }
    const managers = entries(live).map((e) => e.manager);
    assert.equal(managers.length, 10);
    assert.ok(managers.includes('ancient-changes'), managers.join());
    assert.ok(!managers.includes('m0') && !managers.includes('m1') && !managers.includes('m2'), managers.join());
    assert.ok(managers.includes('m11'));
  });

  it("a status write owns only status (kube's reset fields for /status)", () => {
    const type = builtinType('Deployment');
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: 1 },
    } as unknown as KubeObject;
    const next = { ...structuredClone(live), status: { replicas: 1 } } as KubeObject;
    recordUpdate(
      live,
      next,
      'kube-controller-manager',
      w({ type, apiVersion: 'apps/v1', subresource: 'status', resetFields: FieldSet.of([{ field: 'spec' }]) }),
    );
    const [e] = entries(next) as (Entry & { subresource?: string })[];
    assert.equal(e!.subresource, 'status');
    assert.deepEqual(e!.fieldsV1, { 'f:status': { '.': {}, 'f:replicas': {} } });
  });
});

describe('applyConfiguration', () => {
  it('create-on-apply: the applier owns its configuration, without apiVersion, kind, name or namespace', () => {
    const out = applyConfiguration(
      undefined,
      cm({ key: 'a' }, { uid: undefined, resourceVersion: undefined }),
      'kubectl',
      false,
      w(),
    );
    const [e] = entries(out);
    assert.equal(e!.operation, 'Apply');
    assert.deepEqual(e!.fieldsV1, { 'f:data': { 'f:key': {} } });
    assert.equal((out.data as Record<string, string>).key, 'a');
  });

  it("a conflict is kube's 409; an apply with the same values keeps the time", () => {
    const first = applyConfiguration(undefined, cm({ key: 'a' }), 'kubectl', false, w());
    assert.throws(
      () => applyConfiguration(first, cm({ key: 'b' }), 'other', false, w()),
      (e: unknown) =>
        e instanceof StatusError &&
        e.code === 409 &&
        e.message === 'Apply failed with 1 conflict: conflict with "kubectl": .data.key',
    );
    const again = applyConfiguration(first, cm({ key: 'a' }), 'kubectl', false, w());
    assert.deepEqual(entries(again), entries(first));
  });

  it("refuses a configuration that carries managedFields (kube's text)", () => {
    assert.throws(
      () => applyConfiguration(undefined, cm({}, { managedFields: [{ manager: 'x' }] }), 'kubectl', false, w()),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'metadata.managedFields must be nil',
    );
  });

  it('a list-map item without its key is a 400, not a crash', () => {
    const type = builtinType('Pod');
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ image: 'x' }] },
    } as unknown as KubeObject;
    assert.throws(
      () => applyConfiguration(undefined, pod, 'kubectl', false, w({ type })),
      (e: unknown) => e instanceof StatusError && e.code === 400 && /omits key field "name"/.test(e.message),
    );
  });
});

describe('budgets: nesting that only an attacker sends', () => {
  const deep = (depth: number) => {
    let o: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < depth; i++) o = { a: o };
    return o;
  };
  const crType = { kind: 'deduced' } as const;
  it('an update 10,000 levels deep is written without tracking (no stack overflow), quickly', () => {
    const next = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'x' },
      spec: deep(10_000),
    } as unknown as KubeObject;
    const t = Date.now();
    recordUpdate(undefined, next, 'm', w({ type: crType }));
    assert.equal(next.metadata.managedFields, undefined);
    assert.ok(Date.now() - t < 1000);
  });
  it('an apply that deep is a 400', () => {
    const config = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'x' },
      spec: deep(10_000),
    } as unknown as KubeObject;
    assert.throws(
      () => applyConfiguration(undefined, config, 'm', false, w({ type: crType })),
      (e: unknown) => e instanceof StatusError && e.code === 400 && /at most 256 levels/.test(e.message),
    );
  });
  it('managedFields sent 10,000 levels deep are not decoded (the live ones are kept)', () => {
    const live = cm({ a: '1' });
    recordUpdate(undefined, live, 'kubectl-create', w());
    const next = cm(
      { a: '1' },
      {
        managedFields: [
          { manager: 'evil', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: deep(10_000) },
        ],
      },
    );
    recordUpdate(live, next, 'x', w());
    assert.deepEqual(
      entries(next).map((e) => e.manager),
      ['kubectl-create'],
    );
  });
});
