// The token authenticators in kube-apiserver's order (pkg/kubeapiserver/authenticator/config.go):
// token file, service-account tokens (legacy and bound, one verifier), bootstrap tokens.
import type { ObjectGetter } from '../api/types.js';
import { BootstrapTokenAuthenticator } from '../authn/bootstrap.js';
import type { TokenAuthenticator } from '../authn/interfaces.js';
import { loadTokenFile } from '../authn/tokenfile.js';
import { UnionTokenAuthenticator } from '../authn/token-union.js';
import type { ServiceAccountPublicKey } from '../serviceaccount/keys.js';
import { ServiceAccountTokenAuthenticator } from '../serviceaccount/validate.js';
import type { ControlPlaneConfig } from './config.js';

export interface TokenSetup {
  config: ControlPlaneConfig;
  getter: ObjectGetter;
  publicKeys: ServiceAccountPublicKey[];
  issuers: string[];
  apiAudiences: string[];
}

/** One union of every configured token authenticator (undefined when none is). */
export function buildTokenAuthenticators(s: TokenSetup): TokenAuthenticator | undefined {
  const list: TokenAuthenticator[] = [];
  if (s.config.tokenAuthFile) list.push(loadTokenFile(s.config.tokenAuthFile));
  if (s.publicKeys.length) {
    list.push(new ServiceAccountTokenAuthenticator({ issuers: s.issuers, apiAudiences: s.apiAudiences, publicKeys: s.publicKeys, getter: s.getter, lookup: s.config.serviceAccountLookup }));
  }
  if (s.config.enableBootstrapTokenAuth) list.push(new BootstrapTokenAuthenticator(s.getter));
  if (list.length === 0) return undefined;
  return list.length === 1 ? list[0] : new UnionTokenAuthenticator(list);
}
