// The warm-up after start: it must not run before the server has answered its first request (or the fallback
// delay has passed), runs each piece in its own event-loop turn, keeps going past a failed piece, and stops
// with the control plane.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, test } from 'node:test';
import { WarmUp } from '../../../src/controlplane/warm-up.js';
import type { RequestObserver, RequestScope } from '../../../src/server/request-scope.js';

// The warm-up's timers and turns are unref'd (they never hold a process open): this keeps the test's loop alive.
const keepAlive = setInterval(() => undefined, 1000);
after(() => clearInterval(keepAlive));

const req = {} as IncomingMessage;
const res = {} as ServerResponse;
const scope: RequestScope = { receivedAt: 0 };

/** A warm-up whose own pieces (the real caches) run first, then these recorders. */
function recorder(): { warmUp: WarmUp; ran: string[]; done: Promise<void> } {
  const ran: string[] = [];
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const warmUp = new WarmUp([
    async () => {
      ran.push('failing');
      throw new Error('piece failed');
    },
    async () => {
      ran.push('last');
      finish();
    },
  ]);
  return { warmUp, ran, done };
}

test('the first answered request starts the warm-up, and the observer passes every call on', async () => {
  const { warmUp, ran, done } = recorder();
  const seen: string[] = [];
  const inner: RequestObserver = { begin: () => seen.push('begin'), end: () => seen.push('end') };
  const observer = warmUp.observe(inner);
  observer.begin(req, scope);
  observer.end(req, res, scope);
  await nextTurn();
  assert.deepEqual(ran, [], 'not armed yet: the server was not listening');
  warmUp.arm(60_000);
  observer.begin(req, scope);
  await nextTurn();
  assert.deepEqual(ran, [], 'a request in flight does not start it');
  observer.end(req, res, scope);
  await done;
  assert.deepEqual(ran, ['failing', 'last'], 'a failed piece does not stop the ones after it');
  assert.deepEqual(seen, ['begin', 'end', 'begin', 'end']);
  warmUp.stop();
});

test('without any request the fallback delay starts it', async () => {
  const { warmUp, ran, done } = recorder();
  warmUp.arm(10);
  await done;
  assert.deepEqual(ran, ['failing', 'last']);
  warmUp.stop();
});

test('a stopped warm-up never runs', async () => {
  const { warmUp, ran } = recorder();
  warmUp.observe(undefined);
  warmUp.arm(5);
  warmUp.stop();
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(ran, []);
});
