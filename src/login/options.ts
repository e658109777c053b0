// What `kauth login` is told: the provider, the client, how to log in and where to cache. Defaults follow
// int128/kubelogin's `get-token` so that its users find the same flags doing the same things.
import { homedir } from 'node:os';
import { join } from 'node:path';

export type GrantType = 'auto' | 'authcode' | 'device-code';
export const GRANT_TYPES: readonly GrantType[] = ['auto', 'authcode', 'device-code'];

export interface LoginOptions {
  issuerUrl: string;
  clientId: string;
  clientSecret?: string;
  /** Requested besides `openid`. */
  extraScopes: string[];
  grantType: GrantType;
  /** host:port pairs tried in order for the loopback redirect listener. */
  listenAddresses: string[];
  /** The host of the redirect URI (the listener binds the listen address; the browser is sent here). */
  redirectUrlHostname: string;
  skipOpenBrowser: boolean;
  /** Overrides xdg-open / open. */
  browserCommand?: string;
  /** PEM bundle trusted for the provider's TLS instead of the system roots. */
  caPem?: string;
  tokenCacheDir: string;
  forceRefresh: boolean;
  /** How long a browser login or device authorization may take. */
  authenticationTimeoutSeconds: number;
}

export const DEFAULT_LISTEN_ADDRESSES = ['127.0.0.1:8000', '127.0.0.1:18000'];
/** RFC 8252 §7.3: a loopback IP literal, so the browser reaches the very address the listener bound. */
export const DEFAULT_REDIRECT_HOSTNAME = '127.0.0.1';
export const CALLBACK_PATH = '/callback';
export const DEFAULT_AUTHENTICATION_TIMEOUT_SECONDS = 180;

/** kubelogin's default, expanded by expandHome. */
export const DEFAULT_TOKEN_CACHE_DIR = '~/.kube/cache/oidc-login';

/** `~` and `~/…` are the home directory, as kubelogin expands them (kubectl passes exec args unexpanded). */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}

/** `openid` first, then the extra scopes in order, each once. */
export function requestedScopes(extraScopes: readonly string[]): string[] {
  const out = ['openid'];
  for (const s of extraScopes) if (s && !out.includes(s)) out.push(s);
  return out;
}
