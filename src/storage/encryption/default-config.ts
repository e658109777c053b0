// `kauth up` encrypts Secrets at rest by default (kube-apiserver stores them in plaintext unless configured).
// The first start writes DATA_DIR/pki/encryption-config.yaml (0600) with a random 32-byte aesgcm key; later starts
// reuse it. It sits in pki/ because replicas sharing etcd copy pki/ (docs/ha.md): every replica must hold the
// same key, or none could read the Secrets another wrote. Why aesgcm: it binds each value to its storage key (AAD), so someone who can write the database but
// only read one Secret through the API cannot move another Secret's ciphertext under that name and read it
// (secretbox and aescbc do not bind); it runs in node:crypto (OpenSSL, AES-NI) with nothing to load at start-up.
// Its random 96-bit nonces are safe for 2^32 writes per key (NIST SP 800-38D); kube's docs ask for rotation
// every 200,000 writes as a wide margin, and docs/encryption-at-rest.md shows the rotation.
// identity comes last so that Secrets written before encryption was on stay readable until rewritten.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_ENCRYPTION_CONFIG_FILE = 'encryption-config.yaml';

export function defaultEncryptionConfigText(secret: Buffer): string {
  return [
    '# Written by `kauth up`: Secrets are encrypted at rest with this key. Keep this file private (mode 0600)',
    '# and back it up with the database: without it the Secrets cannot be read. Rotation: docs/encryption-at-rest.md',
    'apiVersion: apiserver.config.k8s.io/v1',
    'kind: EncryptionConfiguration',
    'resources:',
    '  - resources:',
    '      - secrets',
    '    providers:',
    '      - aesgcm:',
    '          keys:',
    '            - name: key1',
    `              secret: ${secret.toString('base64')}`,
    '      - identity: {}',
    '',
  ].join('\n');
}

/** Returns the data dir's encryption config (in pki/), writing a new one with a fresh key when there is none. */
export function ensureDefaultEncryptionConfig(dataDir: string): string {
  const dir = join(dataDir, 'pki');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, DEFAULT_ENCRYPTION_CONFIG_FILE);
  if (!existsSync(path)) {
    // 'wx': never overwrite a key that another start wrote meanwhile; 0600 as every key kauth writes.
    try {
      writeFileSync(path, defaultEncryptionConfigText(randomBytes(32)), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return path;
}
