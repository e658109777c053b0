// Unpaged LISTs that never hold the server: the store is read in key-ordered chunks at one revision (a
// consistent snapshot, as etcd's single range read is) and each chunk is encoded and written before the
// next is read, yielding to the event loop in between and waiting while the socket does not drain. So a
// LIST of 100,000 objects costs O(chunk) memory and other requests run between its chunks; kube-apiserver
// streams its list encoding the same way (and Go serves other requests on other goroutines meanwhile).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { KubeObject } from '../api/types.js';
import { wantsPretty } from '../server/respond.js';
import type { ListPage } from './object-store.js';

/** Objects read, filtered and encoded per turn of the event loop. */
export const LIST_CHUNK = 100;

export interface ChunkedList {
  kind: string;
  apiVersion: string;
  /** Reads one chunk: keys after `after`, at `revision` (undefined on the first: the latest). */
  read(after: string | undefined, revision: number | undefined): Promise<ListPage>;
  keep(o: KubeObject): boolean;
  /** Each kept item as it goes in `items` (kind/apiVersion stripped). */
  item(o: KubeObject): unknown;
}

/**
 * Writes `{"kind":…,"apiVersion":…,"metadata":{"resourceVersion":…},"items":[…]}` chunk by chunk, byte for
 * byte what writeJson writes for the whole list (pretty-printed the same way for curl). The first chunk is
 * read before the headers go out, so a failure there (410, 500) is still an ordinary Status response; a
 * failure later can only cut the response short, as a failing encoder does in Go.
 */
export async function writeListInChunks(req: IncomingMessage, res: ServerResponse, list: ChunkedList): Promise<void> {
  let page = await list.read(undefined, undefined);
  const revision = page.revision;
  const pretty = wantsPretty(req);
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'X-Content-Type-Options': 'nosniff',
  });
  const head = { kind: list.kind, apiVersion: list.apiVersion, metadata: { resourceVersion: String(revision) } };
  // The envelope with an empty items array, split where the items go.
  const envelope = pretty ? JSON.stringify({ ...head, items: [] }, null, 2) : JSON.stringify({ ...head, items: [] });
  const at = envelope.lastIndexOf('[]') + 1;
  const open = envelope.slice(0, at);
  const close = `${envelope.slice(at)}\n`;
  const separator = pretty ? ',\n    ' : ',';
  const encode = pretty
    ? (o: unknown): string => JSON.stringify(o, null, 2).replaceAll('\n', '\n    ')
    : (o: unknown): string => JSON.stringify(o);
  let written = 0;
  const closed = (): boolean => res.destroyed || res.writableEnded;
  if (!(await send(res, open))) return;
  try {
    for (;;) {
      const parts: string[] = [];
      for (const o of page.items) if (list.keep(o)) parts.push(encode(list.item(o)));
      if (parts.length) {
        const prefix = written === 0 ? (pretty ? '\n    ' : '') : separator;
        written += parts.length;
        if (!(await send(res, prefix + parts.join(separator)))) return;
      }
      if (!page.remaining || page.lastKey === undefined) break;
      await yieldToEventLoop();
      if (closed()) return;
      page = await list.read(page.lastKey, revision);
    }
  } catch (err) {
    // Headers are out: the only honest signal left is a response cut short.
    res.destroy(err instanceof Error ? err : new Error(String(err)));
    return;
  }
  res.end(written && pretty ? `\n  ${close}` : close);
}

/** Writes text; when the socket is full, resolves once it drained (false if the response closed first). */
function send(res: ServerResponse, text: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  if (res.write(text)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      res.removeListener('drain', onDrain);
      res.removeListener('close', onClose);
      resolve(ok);
    };
    const onDrain = (): void => done(true);
    const onClose = (): void => done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
