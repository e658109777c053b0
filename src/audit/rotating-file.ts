// A log file that rotates by size as lumberjack (gopkg.in/natefinch/lumberjack.v2, what kube-apiserver's
// --audit-log-* flags drive): past maxSize the file is renamed to `<name>-<UTC 2006-01-02T15-04-05.000><ext>`, a
// new one is started, and backups beyond maxBackups or older than maxAge days are removed. Files are 0600.
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export interface RotatingFileOptions {
  path: string;
  /** Bytes before rotating; lumberjack's MaxSize 0 means 100 MB. */
  maxSizeBytes: number;
  /** Backups kept (0: all). */
  maxBackups: number;
  /** Days a backup is kept (0: no limit). */
  maxAgeDays: number;
  /** The clock (tests). */
  now?: () => Date;
}

export const DEFAULT_MAX_SIZE_BYTES = 100 * 1024 * 1024;

/** lumberjack's backupTimeFormat, in UTC. */
export function backupTimestamp(d: Date): string {
  return d.toISOString().slice(0, 23).replace(/:/g, '-');
}

export class RotatingFile {
  private file?: fs.FileHandle;
  private size = 0;
  private readonly now: () => Date;
  private readonly prefix: string;
  private readonly ext: string;
  private readonly dir: string;

  constructor(private readonly opts: RotatingFileOptions) {
    this.now = opts.now ?? (() => new Date());
    this.dir = dirname(opts.path);
    this.ext = extname(opts.path);
    this.prefix = `${basename(opts.path, this.ext)}-`;
  }

  private get max(): number {
    return this.opts.maxSizeBytes > 0 ? this.opts.maxSizeBytes : DEFAULT_MAX_SIZE_BYTES;
  }

  /** Creates the directory (0700) and the file (0600) at start, as kube's ensureLogFile: a bad path fails early. */
  async open(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    this.file = await fs.open(this.opts.path, constants.O_APPEND | constants.O_CREAT | constants.O_WRONLY, 0o600);
    this.size = (await this.file.stat()).size;
  }

  /** Appends whole lines, rotating first whenever the next line would not fit. */
  async writeLines(lines: string[]): Promise<void> {
    if (!this.file) await this.open();
    let chunk: string[] = [];
    let chunkBytes = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (bytes > this.max) throw new Error(`write length ${bytes} exceeds maximum file size ${this.max}`);
      if (this.size + chunkBytes + bytes > this.max) {
        await this.append(chunk.join(''), chunkBytes);
        chunk = [];
        chunkBytes = 0;
        await this.rotate();
      }
      chunk.push(line);
      chunkBytes += bytes;
    }
    if (chunk.length) await this.append(chunk.join(''), chunkBytes);
  }

  async close(): Promise<void> {
    const f = this.file;
    this.file = undefined;
    await f?.close();
  }

  private async append(text: string, bytes: number): Promise<void> {
    if (!bytes) return;
    await this.file!.write(text);
    this.size += bytes;
  }

  private async rotate(): Promise<void> {
    await this.close();
    const backup = join(this.dir, `${this.prefix}${backupTimestamp(this.now())}${this.ext}`);
    await fs.rename(this.opts.path, backup).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    this.file = await fs.open(
      this.opts.path,
      constants.O_CREAT | constants.O_WRONLY | constants.O_TRUNC | constants.O_APPEND,
      0o600,
    );
    this.size = 0;
    await this.removeOldBackups();
  }

  /** lumberjack's millRunOnce without compression: newest first, keep maxBackups, drop those older than maxAge. */
  async removeOldBackups(): Promise<void> {
    if (this.opts.maxBackups === 0 && this.opts.maxAgeDays === 0) return;
    const backups: { name: string; time: number }[] = [];
    for (const name of await fs.readdir(this.dir)) {
      const time = this.backupTime(name);
      if (time !== undefined) backups.push({ name, time });
    }
    backups.sort((a, b) => b.time - a.time);
    let remove = this.opts.maxBackups > 0 ? backups.slice(this.opts.maxBackups) : [];
    if (this.opts.maxAgeDays > 0) {
      const cutoff = this.now().getTime() - this.opts.maxAgeDays * 24 * 3600 * 1000;
      const kept = backups.filter((b) => !remove.includes(b));
      remove = [...remove, ...kept.filter((b) => b.time < cutoff)];
    }
    await Promise.all(remove.map((b) => fs.rm(join(this.dir, b.name), { force: true })));
  }

  /** The time in a backup's name, or undefined for any other file. */
  private backupTime(name: string): number | undefined {
    if (!name.startsWith(this.prefix) || !name.endsWith(this.ext)) return undefined;
    const stamp = name.slice(this.prefix.length, name.length - this.ext.length);
    // 2006-01-02T15-04-05.000 → 2006-01-02T15:04:05.000Z
    if (stamp.length !== 23 || stamp[10] !== 'T') return undefined;
    const iso = `${stamp.slice(0, 11)}${stamp.slice(11, 13)}:${stamp.slice(14, 16)}:${stamp.slice(17)}Z`;
    const t = Date.parse(iso);
    return Number.isNaN(t) ? undefined : t;
  }
}
