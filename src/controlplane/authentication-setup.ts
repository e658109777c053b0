// The authenticators in kube-apiserver's order (pkg/kubeapiserver/authenticator/config.go): the front
// proxy first among request authenticators; tokens as token file, service-account tokens (legacy and
// bound, one verifier), bootstrap tokens, OIDC/JWT, webhook. Authenticators that know nothing of
// audiences (token file, bootstrap, JWT issuers, front proxy) are wrapped audience-agnostic with the API audiences.
import { readFileSync } from 'node:fs';
import type { ObjectGetter } from '../api/types.js';
import { AudienceAgnosticRequestAuthenticator, AudienceAgnosticTokenAuthenticator } from '../authn/audiences.js';
import { BootstrapTokenAuthenticator } from '../authn/bootstrap.js';
import { OIDC_FLAG_NAMES } from '../authn/jwt/legacy-flags.js';
import type { StructuredAuthentication } from '../authn/jwt/structured-authentication.js';
import { ALLOWED_SIGNING_ALGS } from '../authn/jwt/verify.js';
import type { Authenticator, TokenAuthenticator } from '../authn/interfaces.js';
import { RequestHeaderAuthenticator } from '../authn/requestheader.js';
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
  /** Receives what must be closed at shutdown (the webhook's kept-alive connections). */
  onClose?: (close: () => void) => void;
  /** The JWT issuers (--oidc-* or --authentication-config), from buildStructuredAuthentication. */
  jwt?: TokenAuthenticator;
}

/** Whether --authentication-config or any --oidc-* setting is given (one that setup could accept or refuse). */
export function jwtAuthenticationConfigured(config: ControlPlaneConfig): boolean {
  return (
    Boolean(config.authenticationConfig || config.oidcIssuerUrl || config.oidcClientId) ||
    OIDC_FLAG_NAMES.some((f) => config.flagsSet?.includes(f)) ||
    config.oidcSigningAlgs.some((alg) => !(ALLOWED_SIGNING_ALGS as readonly string[]).includes(alg))
  );
}

/** --authentication-config or --oidc-*, and the anonymous settings, checked as kube-apiserver does at start. */
export async function buildStructuredAuthentication(config: ControlPlaneConfig): Promise<StructuredAuthentication> {
  // Neither is given: no JWT issuer, and anonymous as --anonymous-auth says — what the setup below returns then,
  // without loading the JWT and CEL code (~40 ms of a start-up that does not use it).
  if (!jwtAuthenticationConfigured(config)) {
    return {
      anonymous: { enabled: config.anonymousAuth, paths: [] },
      reload: async () => undefined,
      close: () => undefined,
    };
  }
  const { setupStructuredAuthentication } = await import('../authn/jwt/structured-authentication.js');
  return setupStructuredAuthentication({
    authenticationConfigFile: config.authenticationConfig,
    oidc: {
      issuerUrl: config.oidcIssuerUrl,
      clientId: config.oidcClientId,
      caFile: config.oidcCaFile,
      usernameClaim: config.oidcUsernameClaim,
      usernamePrefix: config.oidcUsernamePrefix,
      groupsClaim: config.oidcGroupsClaim,
      groupsPrefix: config.oidcGroupsPrefix,
      signingAlgs: config.oidcSigningAlgs,
      requiredClaims: config.oidcRequiredClaims,
    },
    flagsSet: new Set(config.flagsSet ?? []),
    anonymousAuth: config.anonymousAuth,
    serviceAccountIssuers: config.serviceAccountIssuers,
  });
}

/** One union of every configured token authenticator (undefined when none is). */
export async function buildTokenAuthenticators(s: TokenSetup): Promise<TokenAuthenticator | undefined> {
  const list: TokenAuthenticator[] = [];
  const agnostic = (a: TokenAuthenticator): TokenAuthenticator =>
    new AudienceAgnosticTokenAuthenticator(s.apiAudiences, a);
  // The token file and webhook load their modules only when configured (start-up time).
  if (s.config.tokenAuthFile) {
    const { loadTokenFile } = await import('../authn/tokenfile.js');
    list.push(agnostic(loadTokenFile(s.config.tokenAuthFile)));
  }
  if (s.publicKeys.length) {
    list.push(
      new ServiceAccountTokenAuthenticator({
        issuers: s.issuers,
        apiAudiences: s.apiAudiences,
        publicKeys: s.publicKeys,
        getter: s.getter,
        lookup: s.config.serviceAccountLookup,
      }),
    );
  }
  if (s.config.enableBootstrapTokenAuth) list.push(agnostic(new BootstrapTokenAuthenticator(s.getter)));
  if (s.jwt) list.push(agnostic(s.jwt));
  // The webhook checks audiences itself (it sends them and reads the answer's), as kube's does.
  if (s.config.authenticationTokenWebhookConfigFile) {
    const { createWebhookTokenAuthenticator } = await import('../authn/webhook-token.js');
    const webhook = createWebhookTokenAuthenticator(s.config.authenticationTokenWebhookConfigFile, {
      version: s.config.authenticationTokenWebhookVersion,
      cacheTtlSeconds: s.config.authenticationTokenWebhookCacheTtl,
      implicitAudiences: s.apiAudiences,
    });
    s.onClose?.(webhook.close);
    list.push(webhook.authenticator);
  }
  if (list.length === 0) return undefined;
  return list.length === 1 ? list[0] : new UnionTokenAuthenticator(list);
}

/** --requestheader-*: the front proxy, audience-agnostic; undefined unless a request-header CA is set. */
export function buildRequestHeaderAuthenticator(
  config: ControlPlaneConfig,
  apiAudiences: string[],
): Authenticator | undefined {
  if (!config.requestheaderClientCaFile) return undefined;
  const requestHeader = new RequestHeaderAuthenticator({
    clientCaPems: [readFileSync(config.requestheaderClientCaFile, 'utf8')],
    allowedNames: config.requestheaderAllowedNames,
    usernameHeaders: config.requestheaderUsernameHeaders,
    uidHeaders: config.requestheaderUidHeaders,
    groupHeaders: config.requestheaderGroupHeaders,
    extraHeaderPrefixes: config.requestheaderExtraHeadersPrefix,
  });
  return new AudienceAgnosticRequestAuthenticator(apiAudiences, requestHeader);
}
