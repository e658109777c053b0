// The token cache: one small JSON file per (issuer, client, scopes) under ~/.kube/cache/oidc-login, as kubelogin
// keeps it. The files hold refresh tokens, so they are written 0600 into a directory created 0700, atomically
// (a reader never sees half a file), and a file that cannot be parsed is treated as no cache.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_MODE, writeFileAtomic } from '../pki/files.js';

export const CACHE_DIR_MODE = 0o700;

export interface CachedTokens {
  id_token: string;
  refresh_token?: string;
}

export interface CacheKeyInput {
  issuerUrl: string;
  clientId: string;
  scopes: readonly string[];
}

/** The cache file name: sha256 over the issuer, client and (sorted) scopes, so one login serves one identity. */
export function tokenCacheKey(k: CacheKeyInput): string {
  const scopes = [...new Set(k.scopes)].sort();
  return createHash('sha256')
    .update(JSON.stringify({ issuer: k.issuerUrl, clientId: k.clientId, scopes }))
    .digest('hex');
}

/** Names written by this cache: 64 hex digits (the key), optionally `.lock`. */
function isCacheFileName(name: string): boolean {
  const base = name.endsWith('.lock') ? name.slice(0, -'.lock'.length) : name;
  if (base.length !== 64) return false;
  for (const ch of base) if (!'0123456789abcdef'.includes(ch)) return false;
  return true;
}

export class TokenCache {
  constructor(readonly dir: string) {}

  pathFor(key: string): string {
    return join(this.dir, key);
  }

  read(key: string): CachedTokens | undefined {
    let text: string;
    try {
      text = readFileSync(this.pathFor(key), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(
        `cannot read the token cache ${this.pathFor(key)}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    try {
      const doc = JSON.parse(text) as Record<string, unknown>;
      if (typeof doc.id_token !== 'string' || doc.id_token === '') return undefined;
      return {
        id_token: doc.id_token,
        ...(typeof doc.refresh_token === 'string' && doc.refresh_token !== ''
          ? { refresh_token: doc.refresh_token }
          : {}),
      };
    } catch {
      return undefined;
    }
  }

  write(key: string, tokens: CachedTokens): void {
    this.ensureDir();
    writeFileAtomic(this.pathFor(key), `${JSON.stringify(tokens)}\n`, { mode: KEY_MODE, overwrite: true });
  }

  remove(key: string): void {
    try {
      unlinkSync(this.pathFor(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }

  /** Removes every file this cache wrote (and nothing else in the directory); returns how many. */
  clear(): number {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw e;
    }
    let removed = 0;
    for (const name of names.filter(isCacheFileName)) {
      try {
        unlinkSync(join(this.dir, name));
        removed++;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return removed;
  }

  /** Creates the directory 0700 when missing; an existing directory is left as its owner set it. */
  ensureDir(): void {
    mkdirSync(this.dir, { recursive: true, mode: CACHE_DIR_MODE });
  }
}
