// Validity periods as users type them: Go durations (`8760h`, `1h30m`, `90s`, as kubeadm's flags take) plus a
// day unit (`365d`) for convenience.
import { PkiError } from './errors.js';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Milliseconds in a duration such as `8760h`, `1h30m` or `365d`. Throws PkiError when it is not one. */
export function parseDuration(text: string): number {
  const t = text.trim();
  const re = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (const m of t.matchAll(re)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed += m[0].length;
  }
  if (!t || consumed !== t.length) {
    throw new PkiError(
      `invalid duration "${text}": use a number with a unit, e.g. 8760h, 90m, 365d`,
      'ERR_PKI_INVALID',
    );
  }
  return total;
}

/** A positive duration in days (fractional), for validity flags. */
export function parsePositiveDays(text: string, what: string): number {
  const ms = parseDuration(text);
  if (ms <= 0) throw new PkiError(`${what} must be positive, not "${text}"`, 'ERR_PKI_INVALID');
  return ms / 86_400_000;
}
