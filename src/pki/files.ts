// File writes for key material: the mode is set at creation (0600 keys, 0644 certificates), content appears
// atomically (a temp file renamed or linked into place), and "create" never replaces an existing file.
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PkiError } from './errors.js';

export const KEY_MODE = 0o600;
export const CERT_MODE = 0o644;
export const DIR_MODE = 0o755;

export interface WriteOptions {
  mode: number;
  /** false (default): fail if the file exists; true: replace it atomically. */
  overwrite?: boolean;
}

export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  } catch (e) {
    throw new PkiError(`cannot create directory ${dir}: ${(e as Error).message}`, 'ERR_PKI_FILE');
  }
}

/** Writes `data` to `path` with `mode`; see WriteOptions. The parent directory is created (0755) if missing. */
export function writeFileAtomic(path: string, data: string | Uint8Array, opts: WriteOptions): void {
  const dir = dirname(path);
  ensureDir(dir);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', opts.mode);
    fchmodSync(fd, opts.mode); // exact mode whatever the umask
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    if (opts.overwrite) {
      renameSync(tmp, path);
    } else {
      // link() fails with EEXIST instead of replacing: an existing file is never overwritten, even in a race.
      linkSync(tmp, path);
      unlinkSync(tmp);
    }
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already renamed or never created */
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EEXIST') throw new PkiError(`${path} already exists; refusing to overwrite it`, 'ERR_PKI_FILE');
    throw new PkiError(`cannot write ${path}: ${err.message}`, 'ERR_PKI_FILE');
  }
}

/** Reads a file as UTF-8, or undefined when it does not exist. Other errors (permissions…) are PkiErrors. */
export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return undefined;
    throw new PkiError(`cannot read ${path}: ${err.message}`, 'ERR_PKI_FILE');
  }
}

/** Reads a file that must exist. */
export function readRequired(path: string, what: string): string {
  const text = readIfExists(path);
  if (text === undefined) throw new PkiError(`${what} ${path} does not exist`, 'ERR_PKI_FILE');
  return text;
}
