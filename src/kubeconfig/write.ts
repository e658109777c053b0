// Writing kubeconfigs as kubectl does: YAML with keys sorted (Go's marshaller order), mode 0600 (they hold keys).
import { stringify } from 'yaml';
import { KEY_MODE, writeFileAtomic } from '../pki/files.js';
import type { Kubeconfig } from './types.js';

export function serializeKubeconfig(cfg: Kubeconfig): string {
  const doc: Kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    ...cfg,
  };
  if (doc['current-context'] === undefined) doc['current-context'] = '';
  return stringify(doc, { sortMapEntries: true, lineWidth: 0, indentSeq: false, aliasDuplicateObjects: false });
}

export interface WriteKubeconfigOptions {
  /** Default true: replace an existing file (atomically). false: fail if it exists. */
  overwrite?: boolean;
  mode?: number;
}

/** Writes `cfg` to `path` (0600, parent directory created 0755). */
export function writeKubeconfig(path: string, cfg: Kubeconfig, opts: WriteKubeconfigOptions = {}): void {
  writeFileAtomic(path, serializeKubeconfig(cfg), { mode: opts.mode ?? KEY_MODE, overwrite: opts.overwrite ?? true });
}
