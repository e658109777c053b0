// WithMaxInFlightLimit as a table (maxinflight.go): read-only (get/list/watch) and mutating pools, long-running
// requests never limited, system:masters served past a full pool, 0 turning a pool off, and the default APF
// exemptions kauth adds under --enable-priority-and-fairness (masters never counted, GET probes by anyone).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlainTextError } from '../../../src/api/errors.js';
import type { UserInfo } from '../../../src/authn/interfaces.js';
import { isLongRunning, MaxInFlightLimiter, requestKind } from '../../../src/server/filters/max-inflight.js';
import { parseRequestInfo } from '../../../src/server/requestinfo.js';

const info = (method: string, target: string) => {
  const [path, q = ''] = target.split('?');
  return parseRequestInfo(method, path!, new URLSearchParams(q));
};
const jane: UserInfo = { username: 'jane', groups: ['system:authenticated'] };
const root: UserInfo = { username: 'root', groups: ['system:masters', 'system:authenticated'] };
const anonymous: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

test('requests are read-only (get, list, watch) or mutating; non-resource verbs are the method, so HEAD mutates', () => {
  const cases: [string, string, 'readOnly' | 'mutating'][] = [
    ['GET', '/api/v1/namespaces/a/pods', 'readOnly'],
    ['GET', '/api/v1/namespaces/a/pods/p', 'readOnly'],
    ['GET', '/api/v1/pods?watch=true', 'readOnly'],
    ['POST', '/api/v1/namespaces/a/pods', 'mutating'],
    ['PUT', '/api/v1/namespaces/a/pods/p', 'mutating'],
    ['PATCH', '/api/v1/namespaces/a/pods/p', 'mutating'],
    ['DELETE', '/api/v1/namespaces/a/pods', 'mutating'],
    ['GET', '/readyz', 'readOnly'],
    ['HEAD', '/readyz', 'mutating'],
    ['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', 'mutating'],
  ];
  for (const [method, path, kind] of cases) assert.equal(requestKind(info(method, path)), kind, `${method} ${path}`);
});

test("long-running requests are kube-apiserver's BasicLongRunningRequestCheck", () => {
  const cases: [string, string, boolean][] = [
    ['GET', '/api/v1/namespaces/a/pods?watch=1', true],
    ['GET', '/api/v1/watch/namespaces/a/pods', true],
    ['GET', '/api/v1/namespaces/a/pods?watch=false', false],
    ['GET', '/api/v1/namespaces/a/pods/p/log', true],
    ['POST', '/api/v1/namespaces/a/pods/p/exec', true],
    ['POST', '/api/v1/namespaces/a/pods/p/attach', true],
    ['POST', '/api/v1/namespaces/a/pods/p/portforward', true],
    ['GET', '/api/v1/namespaces/a/services/s/proxy/x', true],
    ['GET', '/api/v1/namespaces/a/pods/p/status', false],
    ['GET', '/debug/pprof/profile', true],
    ['GET', '/readyz', false],
  ];
  for (const [method, path, want] of cases) assert.equal(isLongRunning(info(method, path)), want, `${method} ${path}`);
});

const tooMany = (e: unknown): boolean => {
  assert.ok(e instanceof PlainTextError);
  assert.equal(e.code, 429);
  assert.equal(e.text, 'Too many requests, please try again later.');
  assert.deepEqual(e.headers, { 'Retry-After': '1' });
  return true;
};

interface Case {
  name: string;
  apf: boolean;
  limits: [readOnly: number, mutating: number];
  /** Requests already holding seats. */
  held: [string, string, UserInfo][];
  next: [string, string, UserInfo];
  admitted: boolean;
}

test('a request that finds its pool full gets 429 unless exempt', () => {
  const list: [string, string, UserInfo] = ['GET', '/api/v1/namespaces/a/configmaps', jane];
  const create: [string, string, UserInfo] = ['POST', '/api/v1/namespaces/a/configmaps', jane];
  const cases: Case[] = [
    { name: 'read-only pool full', apf: false, limits: [2, 5], held: [list, list], next: list, admitted: false },
    { name: 'read-only pool has room', apf: false, limits: [3, 5], held: [list, list], next: list, admitted: true },
    { name: 'mutating pool full', apf: false, limits: [5, 1], held: [create], next: create, admitted: false },
    {
      name: 'a full read-only pool does not stop writes',
      apf: false,
      limits: [1, 1],
      held: [list],
      next: create,
      admitted: true,
    },
    {
      name: 'a full mutating pool does not stop reads',
      apf: false,
      limits: [1, 1],
      held: [create],
      next: list,
      admitted: true,
    },
    { name: '0 turns the pool off', apf: false, limits: [0, 1], held: [list, list, list], next: list, admitted: true },
    {
      name: 'a watch takes no seat and is never refused',
      apf: false,
      limits: [1, 1],
      held: [list],
      next: ['GET', '/api/v1/configmaps?watch=1', jane],
      admitted: true,
    },
    {
      name: 'exec is long-running',
      apf: false,
      limits: [1, 1],
      held: [create],
      next: ['POST', '/api/v1/namespaces/a/pods/p/exec', jane],
      admitted: true,
    },
    {
      name: 'system:masters is served past a full pool',
      apf: false,
      limits: [1, 1],
      held: [list],
      next: ['GET', '/api/v1/configmaps', root],
      admitted: true,
    },
    {
      name: 'system:masters writes past a full pool',
      apf: false,
      limits: [1, 1],
      held: [create],
      next: ['POST', '/api/v1/namespaces/a/configmaps', root],
      admitted: true,
    },
    {
      name: 'without APF a probe takes a read-only seat like any GET',
      apf: false,
      limits: [1, 1],
      held: [list],
      next: ['GET', '/readyz', anonymous],
      admitted: false,
    },
    {
      name: "APF's probes FlowSchema: GET /readyz by anyone",
      apf: true,
      limits: [1, 1],
      held: [list],
      next: ['GET', '/readyz', anonymous],
      admitted: true,
    },
    {
      name: "APF's probes FlowSchema: /livez and /healthz",
      apf: true,
      limits: [1, 1],
      held: [list],
      next: ['GET', '/livez', jane],
      admitted: true,
    },
    {
      name: 'the probes FlowSchema names exact paths only',
      apf: true,
      limits: [1, 1],
      held: [list],
      next: ['GET', '/readyz/etcd', anonymous],
      admitted: false,
    },
    {
      name: 'the probes FlowSchema allows only get',
      apf: true,
      limits: [1, 1],
      held: [create],
      next: ['HEAD', '/healthz', anonymous],
      admitted: false,
    },
    { name: 'APF does not exempt other reads', apf: true, limits: [1, 1], held: [list], next: list, admitted: false },
  ];
  for (const c of cases) {
    const limiter = new MaxInFlightLimiter({
      maxRequestsInFlight: c.limits[0],
      maxMutatingRequestsInFlight: c.limits[1],
      priorityAndFairnessExemptions: c.apf,
    });
    for (const [method, path, user] of c.held) limiter.admit(info(method, path), user);
    const [method, path, user] = c.next;
    if (c.admitted) assert.doesNotThrow(() => limiter.admit(info(method, path), user), c.name);
    else assert.throws(() => limiter.admit(info(method, path), user), tooMany, c.name);
  }
});

test('a released seat is free again, once; masters take free seats without APF and none with it', () => {
  const list = info('GET', '/api/v1/configmaps');
  const limiter = new MaxInFlightLimiter({
    maxRequestsInFlight: 1,
    maxMutatingRequestsInFlight: 1,
    priorityAndFairnessExemptions: false,
  });
  const seat = limiter.admit(list, jane)!;
  assert.throws(() => limiter.admit(list, jane), tooMany);
  seat.release();
  seat.release();
  assert.equal(limiter.inFlight('readOnly'), 0);
  limiter.admit(list, root);
  assert.equal(limiter.inFlight('readOnly'), 1, 'maxinflight.go: a master takes a free seat like anyone');
  assert.equal(limiter.sampleWatermark('readOnly'), 1);

  const apf = new MaxInFlightLimiter({
    maxRequestsInFlight: 1,
    maxMutatingRequestsInFlight: 1,
    priorityAndFairnessExemptions: true,
  });
  assert.equal(apf.admit(list, root), undefined);
  assert.equal(apf.inFlight('readOnly'), 0, 'the exempt FlowSchema: masters are never counted');
});

test('the watermark is the most seats used since the last sample (apiserver_current_inflight_requests)', () => {
  const list = info('GET', '/api/v1/configmaps');
  const limiter = new MaxInFlightLimiter({
    maxRequestsInFlight: 10,
    maxMutatingRequestsInFlight: 10,
    priorityAndFairnessExemptions: false,
  });
  const seats = [1, 2, 3].map(() => limiter.admit(list, jane)!);
  for (const s of seats) s.release();
  assert.equal(limiter.sampleWatermark('readOnly'), 3);
  assert.equal(limiter.sampleWatermark('readOnly'), 0);
  assert.equal(limiter.sampleWatermark('mutating'), 0);
});
