// `audit verify-binary`: a downloaded binary against its published checksum (dl.k8s.io publishes
// `<binary>.sha256` and `.sha512` files: the bare hex digest; `sha512sum` files have `HEX  name` lines).
import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';

export interface VerifyResult {
  ok: boolean;
  algorithm: 'sha256' | 'sha512';
  actual: string;
  expected: string;
}

function algorithmFor(hex: string): 'sha256' | 'sha512' | undefined {
  if (!/^[0-9a-f]+$/i.test(hex)) return undefined;
  return hex.length === 64 ? 'sha256' : hex.length === 128 ? 'sha512' : undefined;
}

/** The digest a checksum file gives for `file`: a bare digest, or the `HEX  name` line naming it (or the only line). */
export function expectedFromChecksumFile(text: string, file: string, source: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const rows = lines.map((l) => {
    const [hex = '', name = ''] = l.split(/\s+/, 2);
    return { hex, name: name.replace(/^\*/, '') };
  });
  const row =
    rows.find((r) => r.name && basename(r.name) === basename(file)) ?? (rows.length === 1 ? rows[0] : undefined);
  if (!row || !algorithmFor(row.hex)) throw new Error(`${source}: no sha256/sha512 digest for ${basename(file)}`);
  return row.hex.toLowerCase();
}

export async function verifyBinary(file: string, expectedHex: string): Promise<VerifyResult> {
  const expected = expectedHex.trim().toLowerCase();
  const algorithm = algorithmFor(expected);
  if (!algorithm)
    throw new Error(`expected digest: want 64 (sha256) or 128 (sha512) hex digits, got ${expected.length} characters`);
  const hash = createHash(algorithm);
  await new Promise<void>((resolve, reject) => {
    createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('end', resolve)
      .on('error', (e: NodeJS.ErrnoException) =>
        reject(
          new Error(
            `${file}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.message}`,
          ),
        ),
      );
  });
  const actual = hash.digest('hex');
  return { ok: timingSafeEqual(Buffer.from(actual), Buffer.from(expected)), algorithm, actual, expected };
}

export function readChecksumFile(path: string, file: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read'}`);
  }
  return expectedFromChecksumFile(text, file, path);
}
