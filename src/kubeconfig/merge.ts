// Merging kubeconfigs with the KUBECONFIG list semantics of clientcmd's loading rules: named entries (clusters,
// users, contexts) are merged by name and the first file to define a name wins; a single value (current-context,
// a preference) is taken from the first file that sets it. Relative paths resolve against each file's directory.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { loadKubeconfig, resolveLocalPaths } from './load.js';
import { emptyKubeconfig, type Kubeconfig } from './types.js';

function mergeNamed<T extends { name: string }>(lists: T[][]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const list of lists) {
    for (const item of list) {
      if (seen.has(item.name)) continue;
      seen.add(item.name);
      out.push(item);
    }
  }
  return out;
}

/** Merges configs in priority order (the first is the highest). */
export function mergeKubeconfigs(list: Kubeconfig[]): Kubeconfig {
  const resolved = list.map((cfg) => resolveLocalPaths(cfg));
  const merged = emptyKubeconfig();
  merged.clusters = mergeNamed(resolved.map((c) => c.clusters));
  merged.contexts = mergeNamed(resolved.map((c) => c.contexts));
  merged.users = mergeNamed(resolved.map((c) => c.users));
  merged['current-context'] =
    resolved.map((c) => c['current-context']).find((v) => typeof v === 'string' && v !== '') ?? '';
  const preferences: Record<string, unknown> = {};
  for (const cfg of resolved) {
    for (const [k, v] of Object.entries(cfg.preferences ?? {}))
      if (!(k in preferences) && v !== undefined) preferences[k] = v;
  }
  merged.preferences = preferences;
  const extensions = mergeNamed(
    resolved.map((c) =>
      Array.isArray(c.extensions)
        ? (c.extensions.filter((e) => typeof (e as { name?: unknown })?.name === 'string') as { name: string }[])
        : [],
    ),
  );
  if (extensions.length) merged.extensions = extensions;
  return merged;
}

/** The file list a KUBECONFIG value names: split on the OS path delimiter, empty entries dropped, duplicates once. */
export function kubeconfigPaths(value: string | undefined): string[] {
  if (!value) return [join(homedir(), '.kube', 'config')];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of value.split(delimiter)) {
    if (!p) continue;
    const abs = resolve(p);
    if (seen.has(abs)) continue;
    seen.add(abs);
    out.push(p);
  }
  return out;
}

/**
 * Loads and merges the files of a KUBECONFIG value (default: ~/.kube/config when unset). Files that do not exist
 * are skipped, as kubectl skips them; a file that exists but cannot be parsed is an error.
 */
export function loadKubeconfigFromEnv(value: string | undefined = process.env.KUBECONFIG): Kubeconfig {
  const configs = kubeconfigPaths(value)
    .filter((p) => existsSync(p))
    .map((p) => loadKubeconfig(p));
  return mergeKubeconfigs(configs);
}
