// Go-style flag values as kube-apiserver takes them: booleans written `--flag=false`, durations
// like `8760h0m0s` or `15m`, repeatable and comma-separated lists.
import { InvalidArgumentError } from 'commander';

export function parseBool(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'true' || value === '1' || value === 't' || value === 'T' || value === 'TRUE' || value === 'True') return true;
  if (value === 'false' || value === '0' || value === 'f' || value === 'F' || value === 'FALSE' || value === 'False') return false;
  throw new InvalidArgumentError(`invalid boolean "${value}"`);
}

const UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** A Go time.Duration string → seconds. */
export function parseDurationSeconds(value: string): number {
  const v = value.trim();
  if (v === '0') return 0;
  // Sticky (y): each match must start where the last ended, so a non-duration fails in one linear attempt.
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (const m of v.matchAll(re)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    consumed += m[0].length;
  }
  if (consumed !== v.length || consumed === 0) throw new InvalidArgumentError(`invalid duration "${value}" (want e.g. 15m, 24h, 8760h0m0s)`);
  return total;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`invalid port "${value}"`);
  return n;
}
