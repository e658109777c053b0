// The gateway's audit trail: one JSON line per request — who really called, as whom the cluster saw it, which
// cluster, verb, path, status code, latency — appended to a 0600 file rotated by size (path.1 … path.N).
// Never a token, a header or a query string: query strings may carry data the caller did not mean to log.
import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GatewayAudit } from './config.js';

export interface AuditIdentity {
  username: string;
  groups: string[];
  uid?: string;
}

export interface GatewayAuditRecord {
  /** RFC 3339 time the request arrived. */
  time: string;
  caller: AuditIdentity;
  /** Who the cluster was told the user is (the caller, or whom they impersonated with --as). */
  user?: AuditIdentity;
  /** The original user's name, as sent in the authentication.kauth.io/original-user extra. */
  originalUser: string;
  impersonated: boolean;
  /** A cluster-issued service-account token passed through untouched. */
  passthrough?: boolean;
  cluster: string;
  verb: string;
  path: string;
  code: number;
  latencyMs: number;
}

const KEY_MODE = 0o600;

/** Appends records synchronously (a line is small and audit must not be lost on a crash), rotating by size. */
export class GatewayAuditLog {
  private fd: number;
  private size: number;

  constructor(private readonly config: GatewayAudit) {
    mkdirSync(dirname(config.path), { recursive: true });
    this.fd = openSync(config.path, 'a', KEY_MODE);
    this.size = statSync(config.path).size;
  }

  write(record: GatewayAuditRecord): void {
    const line = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
    if (this.size > 0 && this.size + line.length > this.config.maxSize) this.rotate();
    writeSync(this.fd, line);
    this.size += line.length;
  }

  /** path → path.1 → … → path.maxBackups (the oldest dropped), then a fresh file. */
  private rotate(): void {
    closeSync(this.fd);
    const { path, maxBackups } = this.config;
    if (maxBackups === 0) rmSync(path, { force: true });
    else {
      rmSync(`${path}.${maxBackups}`, { force: true });
      for (let i = maxBackups - 1; i >= 1; i--)
        if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      renameSync(path, `${path}.1`);
    }
    this.fd = openSync(path, 'a', KEY_MODE);
    this.size = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Groups and name only: extras can carry credential ids and are not needed to say who acted. */
export function auditIdentity(u: { username: string; groups: string[]; uid?: string }): AuditIdentity {
  return { username: u.username, groups: u.groups, ...(u.uid ? { uid: u.uid } : {}) };
}
