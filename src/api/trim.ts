// String helpers for request-derived text, written as string code: the regex `/\/+$/` backtracks quadratically
// on a long run of slashes.

/** strings.TrimRight(s, "/"). */
export function trimTrailingSlashes(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x2f) end--;
  return end === s.length ? s : s.slice(0, end);
}
