// /livez, /readyz, /healthz (and /<probe>/<check>, ?verbose, ?exclude=), as kube-apiserver serves them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeText } from '../respond.js';

export interface HealthCheck {
  name: string;
  check(): Promise<void> | void;
}

export async function serveHealth(
  req: IncomingMessage,
  res: ServerResponse,
  probe: string,
  checks: HealthCheck[],
  only: string | undefined,
  query: URLSearchParams,
): Promise<void> {
  const excluded = new Set(query.getAll('exclude'));
  const selected = only ? checks.filter((c) => c.name === only) : checks.filter((c) => !excluded.has(c.name));
  if (only && selected.length === 0) return writeText(res, 404, '404 page not found\n');
  const lines: string[] = [];
  let failed = false;
  for (const c of selected) {
    try {
      await c.check();
      lines.push(`[+]${c.name} ok`);
    } catch {
      failed = true;
      lines.push(`[-]${c.name} failed: reason withheld`);
    }
  }
  if (failed) return writeText(res, 500, `${lines.join('\n')}\n${probe} check failed\n`);
  if (only) return writeText(res, 200, 'ok');
  if (query.has('verbose')) return writeText(res, 200, `${lines.join('\n')}\n${probe} check passed\n`);
  writeText(res, 200, 'ok');
}
