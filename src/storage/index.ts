// The storage barrel: the contract, the backends, and the factory the server and CLI call.
import type { Store } from './interface.js';
import { MemoryStore } from './memory.js';
import { SqliteStore } from './sqlite.js';

export * from './interface.js';
export type { EtcdStoreOptions } from './etcd.js';
export { MemoryStore } from './memory.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite.js';
export { StoreClosedError } from './watch_hub.js';

export interface StoreSpec {
  backend: 'sqlite' | 'memory' | 'etcd';
  /** The database file, for sqlite. */
  path?: string;
  /** sqlite: milliseconds between automatic compactions (default 5 min; 0 = never). */
  compactInterval?: number;
  /** sqlite: revisions kept by automatic compaction (default 1000). */
  retain?: number;
  /** etcd: --etcd-servers, --etcd-prefix, TLS files and the compaction interval (ms). */
  etcd?: {
    servers: string[];
    prefix?: string;
    caFile?: string;
    certFile?: string;
    keyFile?: string;
    compactionIntervalMs?: number;
  };
}

/** Opens the backend; etcd's client (gRPC, ~0.3 s to load) is imported only when etcd is asked for. */
export async function openStore(spec: StoreSpec): Promise<Store> {
  switch (spec.backend) {
    case 'memory':
      return new MemoryStore();
    case 'sqlite':
      if (!spec.path) throw new Error('storage backend "sqlite" needs a database path');
      return SqliteStore.open(spec.path, { compactInterval: spec.compactInterval, retain: spec.retain });
    case 'etcd': {
      const etcd = spec.etcd;
      if (!etcd?.servers.length) throw new Error('storage backend "etcd" needs --etcd-servers');
      const { EtcdStore } = await import('./etcd.js');
      return new EtcdStore({
        endpoints: etcd.servers,
        prefix: etcd.prefix,
        caFile: etcd.caFile,
        certFile: etcd.certFile,
        keyFile: etcd.keyFile,
        compactionIntervalMs: etcd.compactionIntervalMs,
      });
    }
    default:
      throw new Error(
        `unknown storage backend "${(spec as { backend: string }).backend}" (want sqlite, memory or etcd)`,
      );
  }
}
