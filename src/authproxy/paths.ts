// Go's path.Match for --allow-paths / --ignore-paths: `*` is any run of non-'/' characters, `?` one non-'/'
// character, everything else literal. Greedy with one backtrack point: O(len(path) × len(pattern)) at worst.
export function pathMatch(pattern: string, path: string): boolean {
  let p = 0,
    s = 0,
    star = -1,
    mark = 0;
  while (s < path.length) {
    const c = pattern[p];
    if (c === '*') {
      star = p++;
      mark = s;
      continue;
    }
    if (p < pattern.length && path[s] !== '/' && c === '?') {
      p++;
      s++;
      continue;
    }
    if (p < pattern.length && c !== '?' && c === path[s]) {
      p++;
      s++;
      continue;
    }
    // A star may absorb one more character, but never a '/'.
    if (star !== -1 && path[mark] !== '/') {
      p = star + 1;
      s = ++mark;
      continue;
    }
    return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

export function matchesAny(patterns: string[], path: string): boolean {
  return patterns.some((pattern) => pathMatch(pattern, path));
}
