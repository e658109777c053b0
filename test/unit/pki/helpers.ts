// Shared by the PKI, kubeconfig and CLI tests: temp dirs that clean up, and a real openssl.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

export const OPENSSL = '/usr/bin/openssl';
/** The real kubectl: $KUBECTL as the acceptance checks use it, else the one on PATH. */
export const KUBECTL = process.env.KUBECTL ?? 'kubectl';

/** A fresh directory under the OS temp dir, removed when the test file finishes. */
export function tempDir(prefix = 'kauth-pki-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs openssl; never throws, so tests can assert on failures too. */
export function openssl(args: string[], input?: string | Buffer): Run {
  const r = spawnSync(OPENSSL, args, { input, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs openssl and returns stdout, throwing with stderr on failure. */
export function opensslOk(args: string[], input?: string | Buffer): string {
  return execFileSync(OPENSSL, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

export function write(dir: string, name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** `openssl verify -CAfile ca leaf` succeeds. */
export function opensslVerifies(dir: string, caPem: string, leafPem: string): boolean {
  const ca = write(dir, `ca-${Math.random().toString(36).slice(2)}.pem`, caPem);
  const leaf = write(dir, `leaf-${Math.random().toString(36).slice(2)}.pem`, leafPem);
  return openssl(['verify', '-CAfile', ca, leaf]).status === 0;
}
