// The storage barrel: the contract, the backends, and the factory the server and CLI call.
import type { Store } from './interface.js';
import { MemoryStore } from './memory.js';
import { SqliteStore } from './sqlite.js';

export * from './interface.js';
export { MemoryStore } from './memory.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite.js';
export { StoreClosedError } from './watch_hub.js';

export interface StoreSpec {
  backend: 'sqlite' | 'memory';
  /** The database file, for sqlite. */
  path?: string;
  /** sqlite: milliseconds between automatic compactions (default 5 min; 0 = never). */
  compactInterval?: number;
  /** sqlite: revisions kept by automatic compaction (default 1000). */
  retain?: number;
}

export function openStore(spec: StoreSpec): Store {
  switch (spec.backend) {
    case 'memory':
      return new MemoryStore();
    case 'sqlite':
      if (!spec.path) throw new Error('storage backend "sqlite" needs a database path');
      return SqliteStore.open(spec.path, { compactInterval: spec.compactInterval, retain: spec.retain });
    default:
      throw new Error(`unknown storage backend "${(spec as { backend: string }).backend}" (want sqlite or memory)`);
  }
}
