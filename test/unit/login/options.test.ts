import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expandHome, requestedScopes } from '../../../src/login/options.js';
import { hasBrowser, printable } from '../../../src/login/browser.js';
import { parseIssuerUrl } from '../../../src/login/provider.js';

describe('login options', () => {
  it('requests openid first, then the extra scopes once each', () => {
    assert.deepEqual(requestedScopes([]), ['openid']);
    assert.deepEqual(requestedScopes(['email', 'openid', 'groups', 'email', '']), ['openid', 'email', 'groups']);
  });
  for (const [input, want] of [
    ['~', homedir()],
    ['~/.kube/cache/oidc-login', join(homedir(), '.kube/cache/oidc-login')],
    ['/abs/~/x', '/abs/~/x'],
    ['~user/x', '~user/x'],
  ] as const) {
    it(`expandHome(${input})`, () => assert.equal(expandHome(input), want));
  }
});

describe('issuer URL', () => {
  for (const ok of [
    'https://idp.example.com/realms/k8s',
    'http://127.0.0.1:5556/dex',
    'http://localhost:8080',
    'http://[::1]:9000',
  ]) {
    it(`accepts ${ok}`, () => assert.equal(parseIssuerUrl(ok).href.replace(/\/$/, ''), ok.replace(/\/$/, '')));
  }
  for (const bad of ['http://idp.example.com', 'ftp://idp', 'idp.example.com', '']) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseIssuerUrl(bad), /--oidc-issuer-url/));
  }
});

describe('browser', () => {
  it('is only assumed where there is a display', () => {
    assert.equal(hasBrowser({}, 'linux'), false);
    assert.equal(hasBrowser({ DISPLAY: ':0' }, 'linux'), true);
    assert.equal(hasBrowser({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux'), true);
    assert.equal(hasBrowser({}, 'darwin'), true);
  });
  it('provider text loses control characters (no terminal escapes) and is bounded', () => {
    assert.equal(printable('https://idp/device\u001b]0;pwned\u0007\r\n'), 'https://idp/device]0;pwned');
    assert.equal(printable('ABCD-EFGH\u009b31m'), 'ABCD-EFGH31m');
    assert.equal(printable('x'.repeat(5000)).length, 2048);
  });
});
