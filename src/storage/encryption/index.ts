// Encryption at rest (kube-apiserver's --encryption-provider-config): the config, the transformers, and the
// Store decorator the control plane puts over the opened store.
import type { Store } from '../interface.js';
import { loadEncryptionConfiguration, type EncryptionConfiguration } from './config.js';
import { EncryptingStore } from './encrypting-store.js';
import { watchEncryptionConfig } from './reload.js';
import { transformerIndex, type TransformerIndex } from './resources.js';
import { prepareSecretbox } from './secretbox.js';

export { EncryptingStore } from './encrypting-store.js';
export { loadEncryptionConfiguration, parseEncryptionConfiguration, type EncryptionConfiguration } from './config.js';
export { ensureDefaultEncryptionConfig, DEFAULT_ENCRYPTION_CONFIG_FILE } from './default-config.js';
export { transformerIndex, groupResourceOf } from './resources.js';
export { prepareSecretbox } from './secretbox.js';
export { TransformError } from './transformer.js';

export interface EncryptionOptions {
  /** --encryption-provider-config */
  path: string;
  /** --encryption-provider-config-automatic-reload */
  automaticReload?: boolean;
  /** Poll interval of the reload (tests shorten it). */
  reloadIntervalMs?: number;
}

/** Start-up check for the flag table: the load error as one line, or nothing. */
export function encryptionConfigProblem(path: string): string | undefined {
  try {
    loadEncryptionConfiguration(path);
    return undefined;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

/** The transformers of a configuration, once the cipher libraries it needs are loaded. */
async function indexFor(config: EncryptionConfiguration): Promise<TransformerIndex> {
  await prepareSecretbox(config);
  return transformerIndex(config);
}

/**
 * Loads the configuration (throwing kube's start-up error) and returns the function that wraps the opened store.
 * Called before the store opens, so that a bad file stops the start before anything is open.
 */
export async function encryptionAtRest(opts: EncryptionOptions): Promise<(store: Store) => Store> {
  const index = await indexFor(loadEncryptionConfiguration(opts.path));
  return (inner) => {
    const store = new EncryptingStore(inner, index);
    if (opts.automaticReload) {
      const apply = async (config: EncryptionConfiguration) => store.setIndex(await indexFor(config));
      store.onClose(watchEncryptionConfig(opts.path, apply, opts.reloadIntervalMs));
    }
    return store;
  };
}
