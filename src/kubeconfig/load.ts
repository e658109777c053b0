// Reading kubeconfig files (YAML or JSON — JSON is YAML), checking their shape, and remembering where each came
// from so that relative file references resolve against the file's own directory, as clientcmd does.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { KubeconfigError, type Kubeconfig } from './types.js';

const sources = new WeakMap<Kubeconfig, string>();

/** The file a config was loaded from (absolute), if any. */
export function kubeconfigSource(cfg: Kubeconfig): string | undefined {
  return sources.get(cfg);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function namedList(
  doc: Record<string, unknown>,
  key: 'clusters' | 'contexts' | 'users',
  body: 'cluster' | 'context' | 'user',
  where: string,
) {
  const list = doc[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new KubeconfigError(`${where}: "${key}" must be a list`);
  const seen = new Set<string>();
  return list.map((item, i) => {
    if (!isObject(item) || typeof item.name !== 'string' || !item.name) {
      throw new KubeconfigError(`${where}: ${key}[${i}] must have a non-empty "name"`);
    }
    if (seen.has(item.name)) throw new KubeconfigError(`${where}: duplicate name "${item.name}" in ${key}`);
    seen.add(item.name);
    const value = item[body] ?? {};
    if (!isObject(value))
      throw new KubeconfigError(`${where}: ${key}[${i}] ("${item.name}") has a "${body}" that is not a mapping`);
    return { ...item, name: item.name, [body]: value };
  });
}

/** Parses kubeconfig text. `sourcePath` is used in messages and to resolve relative file references later. */
export function parseKubeconfig(text: string, sourcePath?: string): Kubeconfig {
  const where = sourcePath ?? 'kubeconfig';
  let doc: unknown;
  try {
    doc = text.trim() === '' ? {} : parse(text);
  } catch (e) {
    throw new KubeconfigError(`${where}: not valid YAML or JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isObject(doc))
    throw new KubeconfigError(
      `${where}: a kubeconfig must be a mapping, not ${Array.isArray(doc) ? 'a list' : typeof doc}`,
    );
  if (doc.kind !== undefined && doc.kind !== 'Config')
    throw new KubeconfigError(`${where}: kind "${String(doc.kind)}" is not a kubeconfig (want "Config")`);
  const current = doc['current-context'];
  if (current !== undefined && current !== null && typeof current !== 'string') {
    throw new KubeconfigError(`${where}: "current-context" must be a string`);
  }
  const cfg = {
    ...doc,
    clusters: namedList(doc, 'clusters', 'cluster', where),
    contexts: namedList(doc, 'contexts', 'context', where),
    users: namedList(doc, 'users', 'user', where),
    ...(typeof current === 'string' ? { 'current-context': current } : {}),
  } as unknown as Kubeconfig;
  if (current === null) delete cfg['current-context'];
  if (sourcePath) sources.set(cfg, resolve(sourcePath));
  return cfg;
}

/** Loads one kubeconfig file. Missing or unreadable files and malformed content are KubeconfigErrors. */
export function loadKubeconfig(path: string): Kubeconfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new KubeconfigError(
      err.code === 'ENOENT'
        ? `kubeconfig file ${path} does not exist`
        : `cannot read kubeconfig file ${path}: ${err.message}`,
    );
  }
  return parseKubeconfig(text, path);
}

function resolveRef(value: unknown, base: string): unknown {
  return typeof value === 'string' && value !== '' && !isAbsolute(value) ? resolve(base, value) : value;
}

/**
 * A copy of `cfg` whose relative file references (certificate-authority, client-certificate, client-key,
 * tokenFile, and an exec command given as a path) are absolute, resolved against `baseDir` (default: the
 * directory of the file it was loaded from). clientcmd's ResolveLocalPaths.
 */
export function resolveLocalPaths(cfg: Kubeconfig, baseDir?: string): Kubeconfig {
  const source = kubeconfigSource(cfg);
  const base = baseDir ?? (source ? dirname(source) : undefined);
  if (!base) return cfg;
  const out: Kubeconfig = {
    ...cfg,
    clusters: cfg.clusters.map((c) => ({
      ...c,
      cluster: {
        ...c.cluster,
        'certificate-authority': resolveRef(c.cluster['certificate-authority'], base) as string | undefined,
      },
    })),
    users: cfg.users.map((u) => {
      const user = {
        ...u.user,
        'client-certificate': resolveRef(u.user['client-certificate'], base) as string | undefined,
        'client-key': resolveRef(u.user['client-key'], base) as string | undefined,
        tokenFile: resolveRef(u.user.tokenFile, base) as string | undefined,
      };
      if (user.exec && typeof user.exec.command === 'string' && user.exec.command.includes('/')) {
        user.exec = { ...user.exec, command: resolveRef(user.exec.command, base) as string };
      }
      for (const k of ['client-certificate', 'client-key', 'tokenFile'] as const)
        if (user[k] === undefined) delete user[k];
      return { ...u, user };
    }),
  };
  for (const c of out.clusters)
    if (c.cluster['certificate-authority'] === undefined) delete c.cluster['certificate-authority'];
  if (source) sources.set(out, source);
  return out;
}
