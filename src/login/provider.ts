// Connecting to the OpenID provider: discovery (openid-client checks the document's issuer is the URL asked
// for), TLS verified against --certificate-authority when given, and the client authentication method chosen
// from what the provider says it supports.
import * as oidc from 'openid-client';
import { fetchTrustingCa } from './https-fetch.js';

export interface ProviderOptions {
  issuerUrl: string;
  clientId: string;
  clientSecret?: string;
  caPem?: string;
  /** Seconds for each HTTP request to the provider. */
  timeoutSeconds?: number;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The issuer URL as a URL: https, or http on a loopback host (a provider on the same machine, for development). */
export function parseIssuerUrl(issuerUrl: string): URL {
  let url: URL;
  try {
    url = new URL(issuerUrl);
  } catch {
    throw new Error(`--oidc-issuer-url "${issuerUrl}" is not a URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  throw new Error(`--oidc-issuer-url "${issuerUrl}" must be https (http only on a loopback address)`);
}

/**
 * No secret: a public client (`none`, PKCE protects the code). With a secret: client_secret_basic, the method
 * every provider must support (RFC 6749 §2.3.1), unless the provider lists only client_secret_post.
 */
function clientAuthentication(metadata: oidc.ServerMetadata, secret: string | undefined): oidc.ClientAuth {
  if (secret === undefined || secret === '') return oidc.None();
  const supported = metadata.token_endpoint_auth_methods_supported;
  if (supported && !supported.includes('client_secret_basic') && supported.includes('client_secret_post')) {
    return oidc.ClientSecretPost(secret);
  }
  return oidc.ClientSecretBasic(secret);
}

/** Discovers the provider and returns the openid-client Configuration for this client. */
export async function connectProvider(o: ProviderOptions): Promise<oidc.Configuration> {
  const issuer = parseIssuerUrl(o.issuerUrl);
  const fetchOptions = o.caPem ? { [oidc.customFetch]: fetchTrustingCa(o.caPem) } : {};
  const insecure = issuer.protocol === 'http:';
  const discovered = await oidc.discovery(issuer, o.clientId, undefined, oidc.None(), {
    ...fetchOptions,
    ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    timeout: o.timeoutSeconds ?? 30,
  });
  const metadata = discovered.serverMetadata();
  const config = new oidc.Configuration(
    metadata,
    o.clientId,
    o.clientSecret ? { client_secret: o.clientSecret } : undefined,
    clientAuthentication(metadata, o.clientSecret),
  );
  if (o.caPem) config[oidc.customFetch] = fetchTrustingCa(o.caPem);
  if (insecure) oidc.allowInsecureRequests(config);
  config.timeout = o.timeoutSeconds ?? 30;
  return config;
}
