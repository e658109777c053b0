// Go's text forms for the apimachinery types that marshal themselves: metav1.Time, metav1.MicroTime and
// time.Duration (as metav1.Duration writes it).
import { ProtobufWireError } from './wire-error.js';

/** Seconds from 0001-01-01T00:00:00Z to the Unix epoch: Go's zero time.Time. */
export const GO_ZERO_TIME_UNIX = -62135596800n;
const MIN_SECONDS = -62135596800n; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253402300799n; // 9999-12-31T23:59:59Z

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function utcParts(seconds: bigint, what: string): Date {
  // RFC 3339 has four-digit years; Go would print other years in a form no client parses back.
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS)
    throw new ProtobufWireError(`${what} ${seconds}s is outside the years 0001-9999`);
  return new Date(Number(seconds) * 1000);
}

function dateTime(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
}

/** metav1.Time: RFC 3339 in UTC, whole seconds (its protobuf Unmarshal drops nanos). */
export function formatTime(seconds: bigint): string {
  return `${dateTime(utcParts(seconds, 'time'))}Z`;
}

/** metav1.MicroTime: RFC 3339 in UTC with six fractional digits (`2006-01-02T15:04:05.000000Z07:00`). */
export function formatMicroTime(seconds: bigint, nanos: number): string {
  // time.Unix normalises nanos outside [0, 1e9) into the seconds.
  const carry = Math.floor(nanos / 1e9);
  const sec = seconds + BigInt(carry);
  const ns = nanos - carry * 1e9;
  return `${dateTime(utcParts(sec, 'time'))}.${pad(Math.floor(ns / 1000), 6)}Z`;
}

const NS_PER_US = 1000n;
const NS_PER_MS = 1000000n;
const NS_PER_S = 1000000000n;

/** time.Duration.String(): `1h2m3.5s`, `1.5ms`, `0s`. */
export function formatDuration(nanos: bigint): string {
  const negative = nanos < 0n;
  let u = negative ? -nanos : nanos;
  let text: string;
  if (u < NS_PER_S) {
    if (u === 0n) return '0s';
    let unit: string;
    let precision: number;
    if (u < NS_PER_US) {
      unit = 'ns';
      precision = 0;
    } else if (u < NS_PER_MS) {
      unit = 'µs';
      precision = 3;
    } else {
      unit = 'ms';
      precision = 6;
    }
    text = fraction(u, precision) + unit;
  } else {
    const secondsText = fraction(u % (60n * NS_PER_S), 9);
    u /= 60n * NS_PER_S; // whole minutes
    if (u === 0n) text = `${secondsText}s`;
    else if (u < 60n) text = `${u}m${secondsText}s`;
    else text = `${u / 60n}h${u % 60n}m${secondsText}s`;
  }
  return negative ? `-${text}` : text;
}

/** v / 10^precision written with its fraction, trailing zeros (and a bare point) left out, as Go's fmtFrac. */
function fraction(v: bigint, precision: number): string {
  const scale = 10n ** BigInt(precision);
  const whole = v / scale;
  const digits = (v % scale).toString().padStart(precision, '0');
  let end = digits.length;
  while (end > 0 && digits[end - 1] === '0') end--;
  const frac = digits.slice(0, end);
  return frac ? `${whole}.${frac}` : `${whole}`;
}
