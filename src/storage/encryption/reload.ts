// --encryption-provider-config-automatic-reload: the file is read and hashed each interval (which also sees an
// editor's rename-and-replace) and, when its content changed, parsed again. kube-apiserver polls once a minute;
// a file that fails to load keeps the previous configuration and logs one line, as kube's controller does.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { log } from '../../log.js';
import { loadEncryptionConfiguration, type EncryptionConfiguration } from './config.js';

export const DEFAULT_RELOAD_INTERVAL_MS = 1000;

const digest = (path: string): string | undefined => {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
};

/** Calls apply with each new valid configuration; returns the function that stops watching. */
export function watchEncryptionConfig(
  path: string,
  apply: (config: EncryptionConfiguration) => Promise<void> | void,
  intervalMs = DEFAULT_RELOAD_INTERVAL_MS,
): () => void {
  let loaded = digest(path);
  let failed: string | undefined;
  let busy = false;
  const check = async (): Promise<void> => {
    const now = digest(path);
    if (busy || now === undefined || now === loaded || now === failed) return;
    busy = true;
    try {
      await apply(loadEncryptionConfiguration(path));
      loaded = now;
      failed = undefined;
      log.info({ path }, 'encryption provider configuration reloaded');
    } catch (e) {
      failed = now; // one line per bad version of the file, not one per poll
      // Validation texts never carry a key's secret (kube prints REDACTED), so the message is safe to log.
      log.error(
        { path },
        `encryption provider configuration not reloaded, keeping the previous one: ${(e as Error).message}`,
      );
    } finally {
      busy = false;
    }
  };
  // A timer that hashes the file, not fs.watchFile: watchFile compares against its first (asynchronous) stat, so
  // a change made before that stat completes would never be seen. The digest taken above is the baseline.
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
