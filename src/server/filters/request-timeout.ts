// Request deadlines, as kube-apiserver's WithRequestDeadline and WithTimeoutForNonLongRunningRequests:
// a non-long-running request gets --request-timeout (default 1m0s), or the `?timeout=` it asks for when that is
// shorter (and above 0); an unparsable `?timeout=` is a 400. A request still running at its deadline is
// answered 504 with kube's Timeout Status — or, when its response had already begun, its connection is cut
// (kube panics with http.ErrAbortHandler) — and whatever the handler writes afterwards is dropped.
import type { ServerResponse } from 'node:http';
import { badRequest, timeoutError } from '../../api/errors.js';
import { log } from '../../log.js';

/** request_deadline.go's invalidTimeoutInURL. */
const INVALID_TIMEOUT = 'invalid timeout specified in the request URL';
/** What the 504 says: "request did not complete within requested timeout - " + ctx.Err(). */
export const TIMEOUT_MESSAGE = 'request did not complete within requested timeout - context deadline exceeded';

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const MAX_DURATION_NS = 2 ** 63 - 1;

/** Go's time.quote: the text in double quotes, `"` and `\` escaped, bytes outside printable ASCII as \xNN. */
function goQuote(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte >= 0x80 || byte < 0x20) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Go's time.ParseDuration, to nanoseconds, with its error texts. One linear pass over the text. */
export function parseGoDurationNs(orig: string): number {
  const invalid = (): Error => new Error(`time: invalid duration ${goQuote(orig)}`);
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  let i = 0;
  while (i < s.length) {
    if (!(s[i] === '.' || isDigit(s[i]))) throw invalid();
    const intStart = i;
    while (isDigit(s[i])) i++;
    const intPart = s.slice(intStart, i);
    let fracPart = '';
    if (s[i] === '.') {
      const fracStart = ++i;
      while (isDigit(s[i])) i++;
      fracPart = s.slice(fracStart, i);
    }
    if (intPart === '' && fracPart === '') throw invalid();
    const unitStart = i;
    while (i < s.length && s[i] !== '.' && !isDigit(s[i])) i++;
    if (i === unitStart) throw new Error(`time: missing unit in duration ${goQuote(orig)}`);
    const unit = s.slice(unitStart, i);
    const scale = UNIT_NS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(orig)}`);
    const value = Number(intPart || '0') * scale + (fracPart ? Number(`0.${fracPart}`) * scale : 0);
    total += value;
    if (!Number.isFinite(total) || total > MAX_DURATION_NS) throw invalid();
  }
  return neg ? -total : total;
}

/**
 * The request's budget in ms: the server's --request-timeout, or the `?timeout=` the client asked for when it is
 * above 0 and shorter. Throws kube's 400 for a value time.ParseDuration refuses.
 */
export function requestDeadlineMs(query: URLSearchParams, requestTimeoutSeconds: number): number {
  const max = requestTimeoutSeconds * 1000;
  const value = query.get('timeout');
  if (!value) return max;
  let ns: number;
  try {
    ns = parseGoDurationNs(value);
  } catch (e) {
    throw badRequest(`${INVALID_TIMEOUT} - ${(e as Error).message}`);
  }
  const asked = ns / 1e6;
  return asked > 0 && asked < max ? asked : max;
}

/**
 * Arms the deadline for one response. When it passes before the response ended, `answer` writes the 504 (or the
 * connection is cut if the response had begun), then the response is sealed: later writes from the handler are
 * dropped, as kube's timeoutWriter drops them. Returns the disarm function (called on close anyway).
 */
export function armDeadline(
  res: ServerResponse,
  ms: number,
  answer: (res: ServerResponse) => void,
  onTimeout?: () => void,
): () => void {
  const timer = setTimeout(
    () => {
      if (res.writableEnded || res.destroyed) return;
      onTimeout?.();
      if (res.headersSent) {
        res.destroy();
        return;
      }
      try {
        answer(res);
      } catch (e) {
        log.error({ err: (e as Error).message }, 'writing the timeout response failed');
        res.destroy();
      }
      seal(res);
    },
    Math.max(0, ms),
  );
  timer.unref();
  const disarm = (): void => clearTimeout(timer);
  res.once('close', disarm);
  return disarm;
}

/** The 504 a request that ran past its deadline gets (NewTimeoutError with retryAfterSeconds 0). */
export function requestTimedOut(): ReturnType<typeof timeoutError> {
  return timeoutError(TIMEOUT_MESSAGE);
}

/** After the timeout answer: the handler's late writes go nowhere, without throwing or emitting errors. */
function seal(res: ServerResponse): void {
  const sealed = res as unknown as Record<string, unknown>;
  const noop = function (this: ServerResponse): ServerResponse {
    return res;
  };
  sealed.writeHead = noop;
  sealed.setHeader = noop;
  sealed.removeHeader = noop;
  sealed.flushHeaders = noop;
  sealed.write = (...args: unknown[]): boolean => {
    const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined;
    if (cb) queueMicrotask(cb);
    return true;
  };
  sealed.end = noop;
}
