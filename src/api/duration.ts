// Go's time.Duration text (`15m`, `8760h0m0s`, `1.5s`, `0`), as kube's flags and config files write durations.

const UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Seconds, or undefined when the text is not a Go duration. Linear: one sticky pass over the text. */
export function parseGoDuration(value: string): number | undefined {
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
  return consumed !== v.length || consumed === 0 ? undefined : total;
}
