// `kauth login`: an exec credential plugin for any OpenID provider (see docs/login.md).
export { getIdToken, describeLoginError, type IdTokenResult } from './get-token.js';
export { execCredential, parseExecInfo, EXEC_CREDENTIAL_V1 } from './exec-credential.js';
export type { ExecCredential, ExecInfo } from './exec-credential.js';
export { TokenCache, tokenCacheKey, type CachedTokens } from './token-cache.js';
export { loginExecConfig, oidcKubeconfig, mergeIntoKubeconfigFile, type ExecLoginArgs } from './exec-kubeconfig.js';
export * from './options.js';
