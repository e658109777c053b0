// The kubeconfig toolkit: types, load, merge (KUBECONFIG semantics), write, build, credentials.
export * from './types.js';
export { loadKubeconfig, parseKubeconfig, resolveLocalPaths, kubeconfigSource } from './load.js';
export { mergeKubeconfigs, loadKubeconfigFromEnv, kubeconfigPaths } from './merge.js';
export { writeKubeconfig, serializeKubeconfig, type WriteKubeconfigOptions } from './write.js';
export { buildKubeconfig, type BuildKubeconfigOptions } from './build.js';
export { resolveClusterCredentials, type ClusterCredentials } from './credentials.js';
export { setKubeconfigServer, setKubeconfigClientCredentials, readEmbeddedClientCredentials } from './edit.js';
