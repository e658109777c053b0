// One login at a time per cache entry, across processes: kubectl runs the plugin once per command, and several
// commands started together must not open several browser windows or race on the refresh token (providers that
// rotate refresh tokens revoke the whole family when an old one is replayed). The lock is a file created with
// O_EXCL holding the owner's pid; a lock whose owner is gone is taken over.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';

const POLL_MS = 100;
const EMPTY_LOCK_GRACE_MS = 5_000;

function readOwner(lockPath: string): string | undefined {
  try {
    return readFileSync(lockPath, 'utf8');
  } catch {
    return undefined; // just released
  }
}

function alive(lockPath: string, owner: string | undefined): boolean {
  if (owner === undefined) return true; // look again on the next poll
  if (owner.trim() === '') {
    // Being written by its creator — unless the creator died between creating and writing it.
    try {
      return Date.now() - statSync(lockPath).mtimeMs < EMPTY_LOCK_GRACE_MS;
    } catch {
      return true;
    }
  }
  const pid = Number(owner.trim());
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(lockPath: string): boolean {
  try {
    const fd = openSync(lockPath, 'wx', 0o600);
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Runs `fn` holding the lock file; waits up to `waitMs` for another holder, then fails with a clear message. */
export async function withFileLock<T>(lockPath: string, waitMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + waitMs;
  while (!tryCreate(lockPath)) {
    const owner = readOwner(lockPath);
    // A crashed holder left it. Re-read right before removing, so a lock a faster waiter has just taken over is
    // not removed (the window left is the few microseconds between the read and the unlink).
    if (!alive(lockPath, owner) && readOwner(lockPath) === owner) {
      try {
        unlinkSync(lockPath);
      } catch {
        /* another waiter removed it first */
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another kauth login holds ${lockPath}; gave up waiting`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(lockPath);
    } catch {
      /* already gone */
    }
  }
}
