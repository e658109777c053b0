// A unified diff (`diff -u` layout, 3 lines of context) of two small texts, from a line LCS. Config files are
// a few hundred lines at most; the table is capped so a huge file cannot make this quadratic in memory.
const MAX_CELLS = 4_000_000;

type Op = { t: ' ' | '-' | '+'; line: string };

function lineOps(a: string[], b: string[]): Op[] {
  if (a.length * b.length > MAX_CELLS)
    return [...a.map((line) => ({ t: '-' as const, line })), ...b.map((line) => ({ t: '+' as const, line }))];
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[i] === b[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0,
    j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push({ t: ' ', line: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) ops.push({ t: '-', line: a[i++]! });
    else ops.push({ t: '+', line: b[j++]! });
  }
  while (i < a.length) ops.push({ t: '-', line: a[i++]! });
  while (j < b.length) ops.push({ t: '+', line: b[j++]! });
  return ops;
}

function split(s: string): string[] {
  const lines = s.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function unifiedDiff(oldName: string, newName: string, before: string, after: string, context = 3): string {
  const ops = lineOps(split(before), split(after));
  const changed = ops.map((o, k) => (o.t !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return '';
  let out = `--- ${oldName}\n+++ ${newName}\n`;
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k]! - context);
    let end = Math.min(ops.length, changed[k]! + context + 1);
    while (k + 1 < changed.length && changed[k + 1]! - context <= end) {
      k++;
      end = Math.min(ops.length, changed[k]! + context + 1);
    }
    k++;
    let oldStart = 1,
      newStart = 1;
    for (let n = 0; n < start; n++) {
      if (ops[n]!.t !== '+') oldStart++;
      if (ops[n]!.t !== '-') newStart++;
    }
    const hunk = ops.slice(start, end);
    const oldLen = hunk.filter((o) => o.t !== '+').length,
      newLen = hunk.filter((o) => o.t !== '-').length;
    out += `@@ -${oldLen ? oldStart : oldStart - 1},${oldLen} +${newLen ? newStart : newStart - 1},${newLen} @@\n`;
    out += hunk.map((o) => `${o.t}${o.line}\n`).join('');
  }
  return out;
}
