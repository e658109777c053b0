// Calls `check` when a file may have changed: on fs.watch events for its directory (editors and
// kubelet's configmap volumes replace files by rename, which a watch on the file itself misses),
// debounced, and on a poll in case events are lost (kube polls the authentication config each minute).
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface FileWatch {
  close(): void;
}

export function watchFile(path: string, check: () => void, pollMs: number): FileWatch {
  let debounce: NodeJS.Timeout | undefined;
  const soon = (): void => {
    clearTimeout(debounce);
    debounce = setTimeout(check, 100);
    debounce.unref();
  };
  let watcher: FSWatcher | undefined;
  try {
    const name = basename(path);
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      if (!file || file.toString() === name || file.toString().startsWith('..')) soon();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = undefined; // the poll still runs
  }
  const poll = setInterval(check, pollMs);
  poll.unref();
  return {
    close(): void {
      clearTimeout(debounce);
      clearInterval(poll);
      watcher?.close();
    },
  };
}
