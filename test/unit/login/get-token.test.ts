// getIdToken in-process against the real test OpenID provider: the decisions between cache, refresh and login,
// and the cross-process lock seen from two logins started together.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getIdToken } from '../../../src/login/get-token.js';
import type { LoginOptions } from '../../../src/login/options.js';
import { startTestOpenIdProvider, type TestOpenIdProvider } from '../../support/oidc-provider.js';
import { tempDir } from '../pki/helpers.js';

describe('getIdToken', () => {
  let idp: TestOpenIdProvider;
  before(async () => {
    idp = await startTestOpenIdProvider({ users: { carol: { groups: ['ops'] } } });
  });
  after(() => idp.stop());

  const options = (cacheDir: string): LoginOptions => ({
    issuerUrl: idp.issuer,
    clientId: idp.clientId,
    extraScopes: ['email', 'groups'],
    grantType: 'authcode',
    listenAddresses: ['127.0.0.1:0'],
    redirectUrlHostname: '127.0.0.1',
    skipOpenBrowser: true,
    caPem: idp.caPem,
    tokenCacheDir: cacheDir,
    forceRefresh: false,
    authenticationTimeoutSeconds: 20,
  });

  /** A log that logs in through the form whenever the plugin prints an authorization URL. */
  function browserLog(logins: Promise<unknown>[], lines: string[]): (line: string) => void {
    return (line) => {
      lines.push(line);
      const url = line.match(/https:\/\/\S+\/auth\?\S+/)?.[0];
      if (url) logins.push(idp.loginThroughForm(url, 'carol'));
    };
  }

  it('two logins started together: one browser login, the other waits and takes the cached token', async () => {
    const cacheDir = join(tempDir('kauth-gettoken-'), 'cache');
    const logins: Promise<unknown>[] = [];
    const lines: string[] = [];
    const before = idp.requests.length;
    const [a, b] = await Promise.all([
      getIdToken(options(cacheDir), { log: browserLog(logins, lines) }),
      getIdToken(options(cacheDir), { log: browserLog(logins, lines) }),
    ]);
    await Promise.all(logins);
    assert.equal(a.idToken, b.idToken);
    assert.deepEqual([a.source, b.source].sort(), ['cache', 'login']);
    assert.equal(lines.filter((l) => l.includes('/auth?')).length, 1, 'one URL shown');
    assert.equal(idp.requests.slice(before).filter((r) => r === 'GET /auth').length, 1);
  });

  it('login, then the cache, then a refresh once the ID token has expired', async () => {
    const cacheDir = join(tempDir('kauth-gettoken-'), 'cache');
    const logins: Promise<unknown>[] = [];
    const lines: string[] = [];
    const first = await getIdToken(options(cacheDir), { log: browserLog(logins, lines) });
    await Promise.all(logins);
    assert.equal(first.source, 'login');
    assert.equal((await getIdToken(options(cacheDir), { log: browserLog(logins, lines) })).source, 'cache');
    // An hour later (the token lives an hour): refreshed without a browser.
    const later = () => new Date(first.expiry.getTime() + 1000);
    const before = idp.requests.length;
    const refreshed = await getIdToken(options(cacheDir), { log: browserLog(logins, lines), now: later });
    assert.equal(refreshed.source, 'refresh');
    assert.deepEqual(idp.requests.slice(before), ['GET /.well-known/openid-configuration', 'POST /token']);
    assert.equal(lines.filter((l) => l.includes('/auth?')).length, 1);
  });
});
