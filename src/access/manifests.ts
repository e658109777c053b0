// Offline input: the RBAC objects in YAML/JSON manifests (files, or directories read recursively for
// .yaml/.yml/.json), multi-document streams and `kind: List` included; other kinds are skipped (counted).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isRbacObject, withBootstrapPolicy, type RbacObject } from './world.js';

/** A manifest file bigger than this is refused (the loader holds everything in memory). */
const MAX_FILE_BYTES = 64 << 20;

export interface LoadedManifests {
  objects: RbacObject[];
  files: number;
  /** Documents that were not RBAC objects. */
  skipped: number;
}

export function loadManifests(paths: readonly string[]): LoadedManifests {
  const out: LoadedManifests = { objects: [], files: 0, skipped: 0 };
  for (const p of paths) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      throw new Error(`the path "${p}" does not exist`);
    }
    for (const file of st.isDirectory() ? manifestFiles(p) : [p]) readFile(file, out);
  }
  return out;
}

/** The manifests' RBAC objects applied over kube's bootstrap policy: what a fresh cluster holds after `kubectl apply`. */
export function offlinePolicy(paths: readonly string[]): RbacObject[] {
  return withBootstrapPolicy(loadManifests(paths).objects);
}

function manifestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...manifestFiles(p));
    else if (/\.(ya?ml|json)$/.test(e.name)) out.push(p);
  }
  return out;
}

function readFile(file: string, out: LoadedManifests): void {
  if (statSync(file).size > MAX_FILE_BYTES) throw new Error(`${file}: larger than ${MAX_FILE_BYTES >> 20} MiB`);
  const text = readFileSync(file, 'utf8');
  out.files++;
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message.split('\n')[0]}`);
    add(doc.toJS({ maxAliasCount: 100 }), out);
  }
}

function add(obj: unknown, out: LoadedManifests): void {
  if (obj === null || obj === undefined) return;
  const x = obj as { kind?: unknown; items?: unknown };
  if (typeof x.kind === 'string' && x.kind.endsWith('List') && Array.isArray(x.items)) {
    for (const item of x.items) add(item, out);
    return;
  }
  if (isRbacObject(obj)) out.objects.push(obj);
  else out.skipped++;
}
