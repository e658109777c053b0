// The per-watcher bound (src/storage/watch-buffer.ts), as kube's cacher applies it: writes go straight
// to a draining socket, wait in a bounded buffer behind a full one, and a watcher whose buffer overflows
// while its socket is stalled is ended once and counted.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { countTerminatedWatcher, terminatedWatchers, WatchBuffer } from '../../../src/storage/watch-buffer.js';

/** Test double for a socket: accepts `room` writes, then reports full until drain() is called. */
class FakeSocket extends EventEmitter {
  readonly written: string[] = [];
  constructor(private room: number) {
    super();
  }
  write(chunk: string): boolean {
    this.written.push(chunk);
    return --this.room > 0;
  }
  drain(room: number): void {
    this.room = room;
    this.emit('drain');
  }
}

interface Case {
  name: string;
  room: number;
  pushes: number;
  stalledMs: number;
  maxEvents: number;
  wantOverflow: boolean;
  wantWritten: number;
}

const cases: Case[] = [
  {
    name: 'a reader that keeps up gets every event at once',
    room: 1000,
    pushes: 500,
    stalledMs: 0,
    maxEvents: 10,
    wantOverflow: false,
    wantWritten: 500,
  },
  {
    name: 'a stalled socket holds up to maxEvents in the buffer',
    room: 5,
    pushes: 15,
    stalledMs: 10_000,
    maxEvents: 10,
    wantOverflow: false,
    wantWritten: 5,
  },
  {
    name: 'one more than maxEvents behind a stalled socket ends the watcher',
    room: 5,
    pushes: 16,
    stalledMs: 10_000,
    maxEvents: 10,
    wantOverflow: true,
    wantWritten: 5,
  },
  {
    name: 'a socket that drained recently may fall behind further, up to the hard limit',
    room: 5,
    pushes: 50,
    stalledMs: 0,
    maxEvents: 10,
    wantOverflow: false,
    wantWritten: 5,
  },
  {
    name: 'past the hard limit (10 × maxEvents) even a recently drained socket is ended',
    room: 5,
    pushes: 106,
    stalledMs: 0,
    maxEvents: 10,
    wantOverflow: true,
    wantWritten: 5,
  },
];

describe('WatchBuffer', () => {
  for (const c of cases) {
    it(c.name, () => {
      let now = 1_000;
      const socket = new FakeSocket(c.room);
      let overflows = 0;
      const buffer = new WatchBuffer(socket, () => overflows++, {
        maxEvents: c.maxEvents,
        stallMs: 250,
        hardLimitFactor: 10,
        now: () => now,
      });
      for (let i = 0; i < c.pushes; i++) {
        if (i === c.room) now += c.stalledMs; // time passes once the socket is full
        buffer.push(`e${i}\n`);
      }
      assert.equal(overflows, c.wantOverflow ? 1 : 0);
      assert.equal(buffer.overflowed, c.wantOverflow);
      assert.equal(socket.written.length, c.wantWritten);
      if (c.wantOverflow) assert.equal(buffer.push('late\n'), false, 'an ended watcher takes no more');
    });
  }

  it('measures a stall from when the socket filled, not from the watch start or the last drain', () => {
    let now = 0;
    const socket = new FakeSocket(2);
    let overflows = 0;
    const buffer = new WatchBuffer(socket, () => overflows++, { maxEvents: 2, stallMs: 250, now: () => now });
    now = 3_600_000; // an hour of a socket that never filled
    for (let i = 0; i < 5; i++) buffer.push(`${i}`); // two written, three waiting: over maxEvents, not stalled
    assert.equal(overflows, 0);
    now += 251;
    buffer.push('late');
    assert.equal(overflows, 1, 'stalled for longer than stallMs with more than maxEvents waiting');
  });

  it('flushes the buffer in order when the socket drains, and stops when it fills again', () => {
    const socket = new FakeSocket(2);
    const buffer = new WatchBuffer(socket, () => assert.fail('no overflow'), { maxEvents: 100 });
    for (let i = 0; i < 10; i++) buffer.push(`${i}`);
    assert.deepEqual(socket.written, ['0', '1']);
    assert.equal(buffer.buffered, 8);
    socket.drain(3);
    assert.deepEqual(socket.written, ['0', '1', '2', '3', '4']);
    assert.equal(buffer.buffered, 5);
    socket.drain(100);
    assert.deepEqual(socket.written, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.equal(buffer.buffered, 0);
    buffer.push('10');
    assert.equal(socket.written.at(-1), '10');
  });

  it('drained() waits for the socket and resolves at once when it has room', async () => {
    const socket = new FakeSocket(1);
    const buffer = new WatchBuffer(socket, () => undefined);
    await buffer.drained();
    buffer.push('a');
    let resolved = false;
    const waiting = buffer.drained().then(() => {
      resolved = true;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(resolved, false);
    socket.drain(10);
    await waiting;
    assert.equal(resolved, true);
  });

  it('end() drops the buffer, stops listening for drain and refuses pushes', () => {
    const socket = new FakeSocket(1);
    const buffer = new WatchBuffer(socket, () => undefined);
    buffer.push('a');
    buffer.push('b');
    buffer.end();
    assert.equal(buffer.buffered, 0);
    assert.equal(socket.listenerCount('drain'), 0);
    assert.equal(buffer.push('c'), false);
    assert.deepEqual(socket.written, ['a']);
  });

  it('counts terminations per resource', () => {
    const before = terminatedWatchers().get('widgets.example.com') ?? 0;
    countTerminatedWatcher('widgets.example.com');
    countTerminatedWatcher('widgets.example.com');
    assert.equal(terminatedWatchers().get('widgets.example.com'), before + 2);
  });
});
