// buildStructuredAuthentication skips loading the JWT/CEL code when neither --authentication-config nor any
// --oidc-* setting is given. That shortcut must answer exactly what the full setup answers for such a config,
// and every config the full setup could accept or refuse must still reach it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setupStructuredAuthentication } from '../../../src/authn/jwt/structured-authentication.js';
import {
  buildStructuredAuthentication,
  jwtAuthenticationConfigured,
} from '../../../src/controlplane/authentication-setup.js';
import { DEFAULT_CONFIG, type ControlPlaneConfig } from '../../../src/controlplane/config.js';

const config = (extra: Partial<ControlPlaneConfig>): ControlPlaneConfig => ({
  ...DEFAULT_CONFIG,
  tlsCertFile: 'unused.crt',
  tlsPrivateKeyFile: 'unused.key',
  ...extra,
});

/** What the full setup answers for a config, as the shortcut must too. */
function fullSetup(c: ControlPlaneConfig) {
  const s = setupStructuredAuthentication({
    authenticationConfigFile: c.authenticationConfig,
    oidc: {
      issuerUrl: c.oidcIssuerUrl,
      clientId: c.oidcClientId,
      caFile: c.oidcCaFile,
      usernameClaim: c.oidcUsernameClaim,
      usernamePrefix: c.oidcUsernamePrefix,
      groupsClaim: c.oidcGroupsClaim,
      groupsPrefix: c.oidcGroupsPrefix,
      signingAlgs: c.oidcSigningAlgs,
      requiredClaims: c.oidcRequiredClaims,
    },
    flagsSet: new Set(c.flagsSet ?? []),
    anonymousAuth: c.anonymousAuth,
    serviceAccountIssuers: c.serviceAccountIssuers,
  });
  s.close();
  return { anonymous: s.anonymous, tokenAuthenticator: s.tokenAuthenticator };
}

test('with no JWT settings the shortcut answers what the full setup does', async () => {
  const cases: [string, Partial<ControlPlaneConfig>][] = [
    ['defaults', {}],
    ['anonymous off', { anonymousAuth: false }],
    ['other flags set', { flagsSet: ['anonymous-auth', 'secure-port'], anonymousAuth: false }],
    ['a supported signing alg list', { oidcSigningAlgs: ['RS256', 'ES256'] }],
  ];
  for (const [name, extra] of cases) {
    const c = config(extra);
    assert.equal(jwtAuthenticationConfigured(c), false, name);
    const s = await buildStructuredAuthentication(c);
    assert.deepEqual({ anonymous: s.anonymous, tokenAuthenticator: s.tokenAuthenticator }, fullSetup(c), name);
    await s.reload();
    s.close();
  }
});

// (A setting the full setup accepts starts a JWT issuer that fetches its keys: the e2e OIDC tests cover those.)
test('any JWT setting goes through the full setup, which refuses bad ones as kube does', async () => {
  const cases: [string, Partial<ControlPlaneConfig>, RegExp][] = [
    [
      'an OIDC flag without issuer and client id',
      { flagsSet: ['oidc-username-claim'] },
      /oidc-issuer-url and oidc-client-id must be specified together/,
    ],
    [
      'a client id without an issuer',
      { oidcClientId: 'kauth', flagsSet: ['oidc-client-id'] },
      /oidc-issuer-url and oidc-client-id must be specified together/,
    ],
    ['an unsupported signing alg', { oidcSigningAlgs: ['none'] }, /oidc: unsupported signing alg: "none"/],
    [
      'a configuration file that does not exist',
      { authenticationConfig: '/nonexistent/kauth-authn.yaml' },
      /failed to load authentication configuration from file/,
    ],
  ];
  for (const [name, extra, refused] of cases) {
    const c = config(extra);
    assert.equal(jwtAuthenticationConfigured(c), true, name);
    await assert.rejects(buildStructuredAuthentication(c), refused, name);
  }
});
