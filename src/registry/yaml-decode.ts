// YAML request bodies are decoded on a worker thread. The `yaml` library takes seconds for a 3 MiB body of
// small nodes (a list of 800,000 one-letter items) and recurses once per level of nesting; on the event
// loop that would stall every other request, and the main thread's stack holds a few hundred levels of it
// where kube-apiserver takes 10,000. The worker has a stack for that, its own heap, and a deadline: one body
// at a time, each answered within YAML_DECODE_TIMEOUT_MS of arriving (504 past it, the worker replaced).
import { Worker } from 'node:worker_threads';
import { MAX_DECODED_YAML_BYTES, MAX_YAML_DEPTH, YAML_DECODE_TIMEOUT_MS } from './limits.js';
import { YamlDecodeError, type DecodedYaml, type YamlFailure, type YamlLimits } from './yaml-convert.js';
import { flowDepthExceededAt } from './yaml-depth.js';

export { YamlDecodeError, type DecodedYaml };

export interface YamlJob {
  id: number;
  text: string;
  limits: YamlLimits;
}

export type YamlReply =
  | { id: number; ok: true; decoded: DecodedYaml }
  | { id: number; ok: false; reason: YamlFailure; message: string };

/** The deadline passed before the body was decoded. */
export class YamlDecodeTimeout extends Error {}

interface Pending {
  job: YamlJob;
  deadline: number;
  resolve: (d: DecodedYaml) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

// The worker is compiled next to this file; under tsx (tests) only the .ts source exists.
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './yaml-worker.ts' : './yaml-worker.js', import.meta.url);

const WORKER_OPTIONS = {
  // 10,000 levels of YAML nesting take about 10 MB of the parser's stack; a 3 MiB body's document tree a few
  // hundred MB of heap at worst.
  resourceLimits: { stackSizeMb: 32, maxOldGenerationSizeMb: 768 },
};

function startWorker(): Worker {
  if (!WORKER_URL.pathname.endsWith('.ts')) return new Worker(WORKER_URL, WORKER_OPTIONS);
  // Running from the sources under tsx: the thread registers tsx's loader before it loads the worker.
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(boot, { ...WORKER_OPTIONS, eval: true });
}

/** One worker thread decoding one body at a time, in arrival order. */
export class YamlDecoder {
  private worker?: Worker;
  private readonly queue: Pending[] = [];
  private current?: Pending;
  private nextId = 1;

  constructor(
    private readonly timeoutMs = YAML_DECODE_TIMEOUT_MS,
    private readonly limits: YamlLimits = { maxBytes: MAX_DECODED_YAML_BYTES, maxDepth: MAX_YAML_DEPTH },
  ) {}

  decode(text: string): Promise<DecodedYaml> {
    return new Promise((resolve, reject) => {
      this.queue.push({
        job: { id: this.nextId++, text, limits: this.limits },
        deadline: Date.now() + this.timeoutMs,
        resolve,
        reject,
      });
      this.pump();
    });
  }

  /** Stops the worker (tests; the process exits without it, the worker being unref'd). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private pump(): void {
    while (!this.current && this.queue.length) {
      const next = this.queue.shift()!;
      const left = next.deadline - Date.now();
      if (left <= 0) {
        next.reject(new YamlDecodeTimeout());
        continue;
      }
      this.current = next;
      next.timer = setTimeout(() => {
        // A body the worker cannot finish in time: the thread is stopped mid-parse and a new one serves the rest.
        this.restart();
        this.finish(next, undefined, new YamlDecodeTimeout());
      }, left);
      this.ensureWorker().postMessage(next.job);
    }
  }

  private finish(p: Pending, decoded: DecodedYaml | undefined, error?: Error): void {
    if (this.current !== p) return;
    clearTimeout(p.timer);
    this.current = undefined;
    if (error) p.reject(error);
    else p.resolve(decoded!);
    this.pump();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = startWorker();
    w.on('message', (reply: YamlReply) => {
      const p = this.current;
      if (!p || p.job.id !== reply.id) return;
      if (reply.ok) this.finish(p, reply.decoded);
      else this.finish(p, undefined, new YamlDecodeError(reply.reason, reply.message));
    });
    const lost = (why: string): void => {
      if (this.worker !== w) return;
      this.worker = undefined;
      // The heap limit is the likely cause: a body too large to decode.
      if (this.current)
        this.finish(
          this.current,
          undefined,
          new YamlDecodeError('size', `the YAML body could not be decoded (${why})`),
        );
    };
    w.on('error', (e) => lost(e.message));
    w.on('exit', (code) => lost(`worker exited with code ${code}`));
    // Listeners ref the thread again: unref last, so an idle decoder never keeps the process alive.
    w.unref();
    this.worker = w;
    return w;
  }

  private restart(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }
}

let shared: YamlDecoder | undefined;

/** The process's decoder, started on first use. */
export function decodeYaml(text: string): Promise<DecodedYaml> {
  const line = flowDepthExceededAt(text, MAX_YAML_DEPTH);
  if (line)
    return Promise.reject(
      new YamlDecodeError('depth', `yaml: ${line > 1 ? `line ${line}: ` : ''}exceeded max depth of ${MAX_YAML_DEPTH}`),
    );
  shared ??= new YamlDecoder();
  return shared.decode(text);
}
