// User and group names ↔ ids from /etc/passwd and /etc/group (what `stat -c %U:%G` prints and `chown` takes).
import { readFileSync } from 'node:fs';

function table(file: string): string[][] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/** uid/gid of a user (and its primary group), if the machine has it. */
export function lookupId(user: string): { uid: number; gid: number } | undefined {
  const row = table('/etc/passwd').find((r) => r[0] === user);
  return row && row[2] !== undefined && row[3] !== undefined ? { uid: Number(row[2]), gid: Number(row[3]) } : undefined;
}

export function groupId(group: string): number | undefined {
  const row = table('/etc/group').find((r) => r[0] === group);
  return row?.[2] !== undefined ? Number(row[2]) : undefined;
}
