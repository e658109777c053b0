// --audit-log-path: one audit.k8s.io/v1 Event per line (kube's log backend, format json), to a rotating file or,
// for `-`, to standard output. Lines are written from a bounded buffer, off the request path.
import { BufferedBackend, BufferedSender } from './buffered.js';
import { RotatingFile } from './rotating-file.js';

export interface LogBackendOptions {
  path: string;
  maxAgeDays: number;
  maxBackups: number;
  maxSizeMegabytes: number;
  /** Events held while the disk is slow (kube's --audit-log-batch-buffer-size default). */
  bufferSize?: number;
}

export class LogBackend extends BufferedBackend {
  readonly name = 'log';
  protected readonly sender: BufferedSender;
  private readonly file?: RotatingFile;

  private constructor(opts: LogBackendOptions) {
    super();
    if (opts.path !== '-') {
      this.file = new RotatingFile({
        path: opts.path,
        maxAgeDays: opts.maxAgeDays,
        maxBackups: opts.maxBackups,
        maxSizeBytes: opts.maxSizeMegabytes * 1024 * 1024,
      });
    }
    const write = this.file
      ? (lines: string[]) => this.file!.writeLines(lines.map((l) => `${l}\n`))
      : (lines: string[]) => writeStdout(lines.map((l) => `${l}\n`).join(''));
    this.sender = new BufferedSender(
      'log',
      { bufferSize: opts.bufferSize ?? 10_000, maxBatchSize: 1000, maxWaitMs: 0 },
      write,
    );
  }

  /** Opens (creating 0600) the file now: a path kauth cannot write stops the start, as kube's ensureLogFile. */
  static async open(opts: LogBackendOptions): Promise<LogBackend> {
    const backend = new LogBackend(opts);
    await backend.file?.open();
    return backend;
  }

  async close(): Promise<void> {
    await this.sender.close();
    await this.file?.close();
  }
}

function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}
