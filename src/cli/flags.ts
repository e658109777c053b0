// Go-style flag values as kube-apiserver takes them: booleans written `--flag=false`, durations
// like `8760h0m0s` or `15m`, repeatable and comma-separated lists.
import { InvalidArgumentError } from 'commander';
import { parseGoDuration } from '../api/duration.js';

export function parseBool(value: string | undefined): boolean {
  if (
    value === undefined ||
    value === '' ||
    value === 'true' ||
    value === '1' ||
    value === 't' ||
    value === 'T' ||
    value === 'TRUE' ||
    value === 'True'
  )
    return true;
  if (value === 'false' || value === '0' || value === 'f' || value === 'F' || value === 'FALSE' || value === 'False')
    return false;
  throw new InvalidArgumentError(`invalid boolean "${value}"`);
}

/** A Go time.Duration string → seconds. */
export function parseDurationSeconds(value: string): number {
  const seconds = parseGoDuration(value);
  if (seconds === undefined)
    throw new InvalidArgumentError(`invalid duration "${value}" (want e.g. 15m, 24h, 8760h0m0s)`);
  return seconds;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`invalid port "${value}"`);
  return n;
}
