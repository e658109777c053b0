// Modes and owners of files under the audited root, for the 1.1.x / 4.1.x checks. Globs are the three shapes the
// benchmark data uses: `dir/*` (direct children), `dir/**` (the directory and everything under it) and
// `dir/**/*.ext` (files with that extension at any depth). Plain string code, no regular expressions.
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';

export interface FileFact {
  rel: string;
  mode: number;
  owner: string;
  isDir: boolean;
}

let names: { users: Map<number, string>; groups: Map<number, string> } | undefined;

function idNames(): { users: Map<number, string>; groups: Map<number, string> } {
  if (names) return names;
  const read = (file: string): Map<number, string> => {
    const m = new Map<number, string>();
    try {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const [name, , id] = line.split(':');
        if (name && id !== undefined) m.set(Number(id), name);
      }
    } catch {
      /* no passwd database: numeric ids */
    }
    return m;
  };
  names = { users: read('/etc/passwd'), groups: read('/etc/group') };
  return names;
}

export function ownerOf(st: Stats): string {
  const n = idNames();
  return `${n.users.get(st.uid) ?? st.uid}:${n.groups.get(st.gid) ?? st.gid}`;
}

function fact(root: string, rel: string): FileFact | undefined {
  try {
    const st = statSync(join(root, rel));
    return { rel, mode: st.mode & 0o7777, owner: ownerOf(st), isDir: st.isDirectory() };
  } catch {
    return undefined;
  }
}

function walk(root: string, rel: string, out: string[], depth = 0): void {
  if (depth > 16 || out.length > 10_000) return;
  let entries;
  try {
    entries = readdirSync(join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const child = `${rel}/${e.name}`;
    out.push(child);
    if (e.isDirectory()) walk(root, child, out, depth + 1);
  }
}

/** Root-relative paths a pattern names that exist (a plain path is returned only when it exists). */
export function expand(root: string, pattern: string): FileFact[] {
  const star2 = pattern.indexOf('/**');
  if (star2 >= 0) {
    const dir = pattern.slice(0, star2);
    const rest = pattern.slice(star2 + 3); // '' or '/*.ext'
    const all: string[] = [];
    walk(root, dir, all);
    const ext = rest.startsWith('/*') ? rest.slice(2) : '';
    const picked = rest ? all.filter((p) => p.endsWith(ext)) : [dir, ...all];
    return picked.map((p) => fact(root, p)).filter((f): f is FileFact => !!f && (!rest || !f.isDir));
  }
  if (pattern.endsWith('/*')) {
    const dir = pattern.slice(0, -2);
    let entries: string[] = [];
    try {
      entries = readdirSync(join(root, dir));
    } catch {
      return [];
    }
    return entries.map((e) => fact(root, `${dir}/${e}`)).filter((f): f is FileFact => !!f);
  }
  const f = fact(root, pattern);
  return f ? [f] : [];
}

export function octal(mode: number): string {
  return (mode & 0o7777).toString(8);
}
