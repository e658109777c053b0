// AuthenticationConfiguration's anonymous section with conditions: anonymous only on the listed paths.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConditionalAnonymousAuthenticator } from '../../../../src/authn/jwt/anonymous-conditions.js';

describe('anonymous conditions', () => {
  const authn = new ConditionalAnonymousAuthenticator(['/livez', '/readyz']);
  const cases: [string, string | undefined, boolean][] = [
    ['a listed path', '/livez', true],
    ['another listed path', '/readyz', true],
    ['an unlisted path', '/api/v1/secrets', false],
    ['a listed path with a suffix', '/livez/ping', false],
    ['no path (fails closed)', undefined, false],
  ];
  for (const [name, path, anonymous] of cases) {
    it(name, async () => {
      const r = await authn.authenticate({ headers: {}, peerCertificates: [], path });
      assert.equal(r?.user.username === 'system:anonymous', anonymous);
    });
  }
  it('without conditions every path is anonymous', async () => {
    const r = await new ConditionalAnonymousAuthenticator([]).authenticate({
      headers: {},
      peerCertificates: [],
      path: '/x',
    });
    assert.deepEqual(r?.user, { username: 'system:anonymous', groups: ['system:unauthenticated'] });
  });
});
