// Which transformer a storage key gets. kauth keys are `/registry/<resource>/…` for the core group and
// `/registry/<group>/<resource>/…` for the others (ObjectStore.prefix). Resources are matched as kube's
// encryptionconfig does: the exact group-resource first, then `*.<group>`, then `*.*`; when several entries name
// the same group-resource, the first entry wins.
import { parseGroupResource, type EncryptionConfiguration } from './config.js';
import { identityTransformer, prefixTransformer, type ValueTransformer } from './transformer.js';

const REGISTRY = '/registry/';
/** The built-in API groups without a dot (CRD groups must contain one, so every other group has a dot). */
const DOTLESS_GROUPS = new Set(['apps', 'batch', 'autoscaling', 'policy']);

export interface GroupResource {
  group: string;
  resource: string;
}

/** The group-resource a key belongs to, or undefined for keys outside /registry/. */
export function groupResourceOf(key: string): GroupResource | undefined {
  if (!key.startsWith(REGISTRY)) return undefined;
  const rest = key.slice(REGISTRY.length);
  const slash = rest.indexOf('/');
  const first = slash < 0 ? rest : rest.slice(0, slash);
  if (first.includes('.') || DOTLESS_GROUPS.has(first)) {
    if (slash < 0) return undefined;
    const after = rest.slice(slash + 1);
    const end = after.indexOf('/');
    return { group: first, resource: end < 0 ? after : after.slice(0, end) };
  }
  return { group: '', resource: first };
}

export interface TransformerIndex {
  /** The transformer for a storage key (identity, refusing encrypted data, when no entry covers it). */
  forKey(key: string): ValueTransformer;
  /** True when some entry covers the key. */
  covers(key: string): boolean;
}

export function transformerIndex(config: EncryptionConfiguration): TransformerIndex {
  const byResource = new Map<string, ValueTransformer>();
  for (const entry of config.resources) {
    const transformer = prefixTransformer(entry);
    for (const name of entry.resources) {
      const gr = parseGroupResource(name);
      const id = `${gr.group}/${gr.resource}`;
      if (!byResource.has(id)) byResource.set(id, transformer);
    }
  }
  const lookup = (key: string): ValueTransformer | undefined => {
    const gr = groupResourceOf(key);
    if (!gr) return undefined;
    return byResource.get(`${gr.group}/${gr.resource}`) ?? byResource.get(`${gr.group}/*`) ?? byResource.get('*/*');
  };
  return {
    forKey: (key) => lookup(key) ?? identityTransformer,
    covers: (key) => lookup(key) !== undefined,
  };
}
