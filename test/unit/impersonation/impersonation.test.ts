// Table of impersonation cases in the style of Kubernetes' impersonation_test.go (TestImpersonationFilter),
// plus the exact texts kube-apiserver answers with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { impersonate } from '../../../src/server/filters/impersonation.js';
import { StatusError } from '../../../src/api/errors.js';
import type { UserInfo } from '../../../src/authn/interfaces.js';
import { TableAuthorizer, grant } from './fake-authorizer.js';

const I = 'impersonate';
const AUTHN = 'authentication.k8s.io';

const authorizer = () =>
  new TableAuthorizer([
    // bob: only jane (resourceNames: [jane]), as in the acceptance check.
    grant('bob', I, '', 'users', '', '', 'jane'),
    // dev with various narrow grants
    grant('dev', I, '', 'users', '', '', '*'),
    grant('dev', I, '', 'groups', '', '', 'some-group'),
    grant('dev', I, '', 'groups', '', '', 'system:authenticated'),
    grant('dev', I, '', 'groups', '', '', 'system:unauthenticated'),
    grant('dev', I, AUTHN, 'userextras', 'scopes', '', 'scope-a'),
    grant('dev', I, AUTHN, 'uids', '', '', 'some-uid'),
    // sa-impersonator: service accounts in namespace foo only
    grant('sa-impersonator', I, '', 'serviceaccounts', '', 'foo', '*'),
    // admin: everything
    grant('admin', '*', '*', '*', '*', '*', '*'),
  ]);

/** Header lines as a client sends them → what Node's parser gives: `headers` (duplicates joined) and `headersDistinct`. */
function nodeHeaders(lines: [string, string][]): { headers: IncomingHttpHeaders; distinct: Record<string, string[]> } {
  const headers: IncomingHttpHeaders = {};
  const distinct: Record<string, string[]> = {};
  for (const [rawName, value] of lines) {
    const name = rawName.toLowerCase();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    (distinct[name] ??= []).push(value);
  }
  return { headers, distinct };
}

const user = (username: string, groups: string[] = [], more: Partial<UserInfo> = {}): UserInfo => ({
  username,
  groups,
  ...more,
});

interface Case {
  name: string;
  requester: UserInfo;
  headers: [string, string][];
  /** Pass req.headers only, as a caller without headersDistinct would. */
  headersOnly?: boolean;
  expectedUser?: UserInfo;
  expectedImpersonated?: boolean;
  expectedCode?: number;
  expectedMessage?: string;
  /** The authorizer calls, as `resource[/subresource] ns/name group` strings. */
  expectedChecks?: string[];
}

const cases: Case[] = [
  {
    name: 'not-impersonating',
    requester: user('tester'),
    headers: [],
    expectedUser: user('tester'),
    expectedImpersonated: false,
    expectedChecks: [],
  },
  {
    name: 'unrelated headers are not impersonation',
    requester: user('tester'),
    headers: [
      ['Accept', 'application/json'],
      ['Impersonate', 'x'],
      ['Impersonate-Extra', 'y'],
    ],
    expectedUser: user('tester'),
    expectedImpersonated: false,
  },
  {
    name: 'empty Impersonate-User alone counts as absent (Go: len(Get(...)) > 0)',
    requester: user('tester'),
    headers: [['Impersonate-User', '']],
    expectedUser: user('tester'),
    expectedImpersonated: false,
    expectedChecks: [],
  },
  {
    name: 'empty Impersonate-Uid alone counts as absent',
    requester: user('tester'),
    headers: [['Impersonate-Uid', '']],
    expectedUser: user('tester'),
    expectedImpersonated: false,
  },
  {
    name: 'impersonating-error: an authorizer error refuses',
    requester: user('tester'),
    headers: [['Impersonate-User', 'anyone']],
    expectedCode: 403,
    expectedMessage:
      'users "anyone" is forbidden: User "tester" cannot impersonate resource "users" in API group "" at the cluster scope',
  },
  {
    name: 'an Allow that carries an error still refuses',
    requester: user('allow-with-error'),
    headers: [['Impersonate-User', 'anyone']],
    expectedCode: 403,
    expectedMessage:
      'users "anyone" is forbidden: User "allow-with-error" cannot impersonate resource "users" in API group "" at the cluster scope',
  },
  {
    name: 'the authorizer reason is appended',
    requester: user('deny-me'),
    headers: [['Impersonate-User', 'anyone']],
    expectedCode: 403,
    expectedMessage:
      'users "anyone" is forbidden: User "deny-me" cannot impersonate resource "users" in API group "" at the cluster scope: denied',
  },
  {
    name: 'an explicit Deny refuses with its reason',
    requester: user('explicit-deny'),
    headers: [['Impersonate-User', 'anyone']],
    expectedCode: 403,
    expectedMessage:
      'users "anyone" is forbidden: User "explicit-deny" cannot impersonate resource "users" in API group "" at the cluster scope: no impersonation for you',
  },
  {
    name: 'impersonating-group-without-user',
    requester: user('admin'),
    headers: [['Impersonate-Group', 'some-group']],
    expectedCode: 400,
    expectedMessage: 'requested [{Group  some-group    }] without impersonating a user',
    expectedChecks: [],
  },
  {
    name: 'impersonating-extra-without-user',
    requester: user('admin'),
    headers: [['Impersonate-Extra-scopes', 'scope-a']],
    expectedCode: 400,
    expectedMessage: 'requested [{UserExtra  scope-a  authentication.k8s.io/v1  scopes}] without impersonating a user',
  },
  {
    name: 'impersonating-uid-without-user',
    requester: user('admin'),
    headers: [['Impersonate-Uid', 'some-uid']],
    expectedCode: 400,
    expectedMessage: 'requested [{UID  some-uid  authentication.k8s.io/v1  }] without impersonating a user',
  },
  {
    name: 'groups, extras and uid without user are all listed, in Kubernetes order',
    requester: user('admin'),
    headers: [
      ['Impersonate-Uid', 'u1'],
      ['Impersonate-Extra-Scopes', 'view'],
      ['Impersonate-Group', 'a'],
      ['Impersonate-Group', 'b'],
    ],
    expectedCode: 400,
    expectedMessage:
      'requested [{Group  a    } {Group  b    } {UserExtra  view  authentication.k8s.io/v1  scopes} {UID  u1  authentication.k8s.io/v1  }] without impersonating a user',
  },
  {
    name: 'an empty Impersonate-User with a group is a group without a user',
    requester: user('admin'),
    headers: [
      ['Impersonate-User', ''],
      ['Impersonate-Group', 'some-group'],
    ],
    expectedCode: 400,
    expectedMessage: 'requested [{Group  some-group    }] without impersonating a user',
  },
  {
    name: 'an empty group value is still a group (without a user → 400)',
    requester: user('admin'),
    headers: [['Impersonate-Group', '']],
    expectedCode: 400,
    expectedMessage: 'requested [{Group      }] without impersonating a user',
  },
  {
    name: 'allowed-users-impersonation',
    requester: user('bob', ['system:authenticated']),
    headers: [['Impersonate-User', 'jane']],
    expectedUser: user('jane', ['system:authenticated']),
    expectedImpersonated: true,
    expectedChecks: ['users /jane '],
  },
  {
    name: 'resourceNames: bob may impersonate only jane, not john (exact 403)',
    requester: user('bob', ['system:authenticated']),
    headers: [['Impersonate-User', 'john']],
    expectedCode: 403,
    expectedMessage:
      'users "john" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope',
  },
  {
    name: 'bob cannot add a group to jane (exact 403)',
    requester: user('bob'),
    headers: [
      ['Impersonate-User', 'jane'],
      ['Impersonate-Group', 'developers'],
    ],
    expectedCode: 403,
    expectedMessage:
      'groups "developers" is forbidden: User "bob" cannot impersonate resource "groups" in API group "" at the cluster scope',
    expectedChecks: ['users /jane ', 'groups /developers '],
  },
  {
    name: 'checks stop at the first refusal',
    requester: user('bob'),
    headers: [
      ['Impersonate-User', 'john'],
      ['Impersonate-Group', 'developers'],
      ['Impersonate-Uid', 'x'],
    ],
    expectedCode: 403,
    expectedChecks: ['users /john '],
  },
  {
    name: 'allowed-group',
    requester: user('dev', ['wheel']),
    headers: [
      ['Impersonate-User', 'system:admin'],
      ['Impersonate-Group', 'some-group'],
    ],
    expectedUser: user('system:admin', ['some-group', 'system:authenticated']),
    expectedImpersonated: true,
  },
  {
    name: 'disallowed-group',
    requester: user('dev', ['wheel']),
    headers: [
      ['Impersonate-User', 'system:admin'],
      ['Impersonate-Group', 'other-group'],
    ],
    expectedCode: 403,
    expectedMessage:
      'groups "other-group" is forbidden: User "dev" cannot impersonate resource "groups" in API group "" at the cluster scope',
  },
  {
    name: 'disallowed-userextra: the subresource and group show in the message',
    requester: user('dev'),
    headers: [
      ['Impersonate-User', 'system:admin'],
      ['Impersonate-Extra-project', 'p1'],
    ],
    expectedCode: 403,
    expectedMessage:
      'userextras.authentication.k8s.io "p1" is forbidden: User "dev" cannot impersonate resource "userextras/project" in API group "authentication.k8s.io" at the cluster scope',
  },
  {
    name: 'disallowed-userextra: each value is checked (scope-a allowed, scope-b not)',
    requester: user('dev'),
    headers: [
      ['Impersonate-User', 'system:admin'],
      ['Impersonate-Extra-scopes', 'scope-a'],
      ['Impersonate-Extra-scopes', 'scope-b'],
    ],
    expectedCode: 403,
    expectedMessage:
      'userextras.authentication.k8s.io "scope-b" is forbidden: User "dev" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
    expectedChecks: [
      'users /system:admin ',
      'userextras/scopes /scope-a authentication.k8s.io',
      'userextras/scopes /scope-b authentication.k8s.io',
    ],
  },
  {
    name: 'allowed-userextras, repeated header lines stay separate values',
    requester: user('admin'),
    headers: [
      ['Impersonate-User', 'system:admin'],
      ['Impersonate-Extra-scopes', 'scope-a'],
      ['Impersonate-Extra-scopes', 'scope-b'],
    ],
    expectedUser: user('system:admin', ['system:authenticated'], { extra: { scopes: ['scope-a', 'scope-b'] } }),
    expectedImpersonated: true,
  },
  {
    name: 'percent-escaped-userextras (key decoded after lower-casing, UTF-8 bytes joined)',
    requester: user('admin'),
    headers: [
      ['Impersonate-User', 'system:admin'],
      ['Impersonate-Extra-example.com%2fescaped%e1%9b%84scopes', 'scope-a'],
    ],
    expectedUser: user('system:admin', ['system:authenticated'], {
      extra: { 'example.com/escapedᛄscopes': ['scope-a'] },
    }),
    expectedImpersonated: true,
    expectedChecks: ['users /system:admin ', 'userextras/example.com/escapedᛄscopes /scope-a authentication.k8s.io'],
  },
  {
    name: 'almost-percent-escaped-userextras: an undecodable key is kept as sent (Kubernetes does not reject it)',
    requester: user('admin'),
    headers: [
      ['Impersonate-User', 'system:admin'],
      ['Impersonate-Extra-almost%zzpercent%xxencoded', 'scope-a'],
    ],
    expectedUser: user('system:admin', ['system:authenticated'], {
      extra: { 'almost%zzpercent%xxencoded': ['scope-a'] },
    }),
    expectedImpersonated: true,
  },
  {
    name: 'a trailing lone % is undecodable and kept',
    requester: user('admin'),
    headers: [
      ['Impersonate-User', 'u'],
      ['Impersonate-Extra-key%4', 'v'],
    ],
    expectedUser: user('u', ['system:authenticated'], { extra: { 'key%4': ['v'] } }),
    expectedImpersonated: true,
  },
  {
    name: 'the key is lower-cased first, so an escaped capital survives',
    requester: user('admin'),
    headers: [
      ['Impersonate-User', 'u'],
      ['Impersonate-Extra-Scopes', 'a'],
      ['Impersonate-Extra-X%41', 'b'],
    ],
    expectedUser: user('u', ['system:authenticated'], { extra: { scopes: ['a'], xA: ['b'] } }),
    expectedImpersonated: true,
  },
  {
    name: 'keys that decode to the same string are merged',
    requester: user('admin'),
    headers: [
      ['Impersonate-User', 'u'],
      ['Impersonate-Extra-a-b', '1'],
      ['Impersonate-Extra-a%2db', '2'],
    ],
    expectedUser: user('u', ['system:authenticated'], { extra: { 'a-b': ['1', '2'] } }),
    expectedImpersonated: true,
  },
  {
    name: 'an empty extra value is a value (checked with an empty name)',
    requester: user('admin'),
    headers: [
      ['Impersonate-User', 'u'],
      ['Impersonate-Extra-scopes', ''],
    ],
    expectedUser: user('u', ['system:authenticated'], { extra: { scopes: [''] } }),
    expectedImpersonated: true,
    expectedChecks: ['users /u ', 'userextras/scopes / authentication.k8s.io'],
  },
  {
    name: 'seed 003 example: user, extras (percent-encoded key, repeated values) and uid',
    requester: user('admin', ['system:masters', 'system:authenticated']),
    headers: [
      ['Impersonate-User', 'jane.doe@example.com'],
      ['Impersonate-Extra-dn', 'cn=jane,ou=engineers,dc=example,dc=com'],
      ['Impersonate-Extra-acme.com%2Fproject', 'some-project'],
      ['Impersonate-Extra-scopes', 'view'],
      ['Impersonate-Extra-scopes', 'development'],
      ['Impersonate-Uid', '06f6ce97-e2c5-4ab8-7ba5-7654dd08d52b'],
    ],
    expectedUser: user('jane.doe@example.com', ['system:authenticated'], {
      uid: '06f6ce97-e2c5-4ab8-7ba5-7654dd08d52b',
      extra: {
        dn: ['cn=jane,ou=engineers,dc=example,dc=com'],
        'acme.com/project': ['some-project'],
        scopes: ['view', 'development'],
      },
    }),
    expectedImpersonated: true,
    expectedChecks: [
      'users /jane.doe@example.com ',
      'userextras/dn /cn=jane,ou=engineers,dc=example,dc=com authentication.k8s.io',
      'userextras/acme.com/project /some-project authentication.k8s.io',
      'userextras/scopes /view authentication.k8s.io',
      'userextras/scopes /development authentication.k8s.io',
      'uids /06f6ce97-e2c5-4ab8-7ba5-7654dd08d52b authentication.k8s.io',
    ],
  },
  {
    name: 'allowed-user-impersonation-with-uid',
    requester: user('dev'),
    headers: [
      ['Impersonate-User', 'tester'],
      ['Impersonate-Uid', 'some-uid'],
    ],
    expectedUser: user('tester', ['system:authenticated'], { uid: 'some-uid' }),
    expectedImpersonated: true,
  },
  {
    name: 'disallowed-user-impersonation-with-uid',
    requester: user('dev'),
    headers: [
      ['Impersonate-User', 'tester'],
      ['Impersonate-Uid', 'disallowed-uid'],
    ],
    expectedCode: 403,
    expectedMessage:
      'uids.authentication.k8s.io "disallowed-uid" is forbidden: User "dev" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope',
  },
  {
    name: 'allowed-impersonation-with-all-headers',
    requester: user('dev'),
    headers: [
      ['Impersonate-User', 'tester'],
      ['Impersonate-Uid', 'some-uid'],
      ['Impersonate-Group', 'system:authenticated'],
      ['Impersonate-Extra-scopes', 'scope-a'],
    ],
    expectedUser: user('tester', ['system:authenticated'], { uid: 'some-uid', extra: { scopes: ['scope-a'] } }),
    expectedImpersonated: true,
    expectedChecks: [
      'users /tester ',
      'groups /system:authenticated ',
      'userextras/scopes /scope-a authentication.k8s.io',
      'uids /some-uid authentication.k8s.io',
    ],
  },
  {
    name: 'allowed-sa-impersonating: serviceaccounts checked in its namespace, SA groups added',
    requester: user('sa-impersonator'),
    headers: [['Impersonate-User', 'system:serviceaccount:foo:default']],
    expectedUser: user('system:serviceaccount:foo:default', [
      'system:serviceaccounts',
      'system:serviceaccounts:foo',
      'system:authenticated',
    ]),
    expectedImpersonated: true,
    expectedChecks: ['serviceaccounts foo/default '],
  },
  {
    name: 'disallowed-sa-impersonating in another namespace (exact 403)',
    requester: user('sa-impersonator'),
    headers: [['Impersonate-User', 'system:serviceaccount:demo:bot']],
    expectedCode: 403,
    expectedMessage:
      'serviceaccounts "bot" is forbidden: User "sa-impersonator" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "demo"',
  },
  {
    name: 'sa-impersonator cannot impersonate a plain user',
    requester: user('sa-impersonator'),
    headers: [['Impersonate-User', 'tester']],
    expectedCode: 403,
    expectedMessage:
      'users "tester" is forbidden: User "sa-impersonator" cannot impersonate resource "users" in API group "" at the cluster scope',
  },
  {
    name: 'an SA with groups given gets only those groups (plus system:authenticated)',
    requester: user('admin'),
    headers: [
      ['Impersonate-User', 'system:serviceaccount:foo:default'],
      ['Impersonate-Group', 'g1'],
    ],
    expectedUser: user('system:serviceaccount:foo:default', ['g1', 'system:authenticated']),
    expectedImpersonated: true,
  },
  {
    name: 'a malformed SA name (upper case namespace) is an ordinary user',
    requester: user('admin'),
    headers: [['Impersonate-User', 'system:serviceaccount:Foo:default']],
    expectedUser: user('system:serviceaccount:Foo:default', ['system:authenticated']),
    expectedImpersonated: true,
    expectedChecks: ['users /system:serviceaccount:Foo:default '],
  },
  {
    name: 'a malformed SA name (three parts) is an ordinary user',
    requester: user('admin'),
    headers: [['Impersonate-User', 'system:serviceaccount:foo:bar:baz']],
    expectedUser: user('system:serviceaccount:foo:bar:baz', ['system:authenticated']),
    expectedImpersonated: true,
    expectedChecks: ['users /system:serviceaccount:foo:bar:baz '],
  },
  {
    name: 'anonymous-username-prevents-adding-authenticated-group',
    requester: user('system:admin'),
    headers: [['Impersonate-User', 'system:anonymous']],
    expectedUser: user('system:anonymous', ['system:unauthenticated']),
    expectedImpersonated: true,
  },
  {
    name: 'anonymous-user-prevents-double-adding-unauthenticated-group',
    requester: user('system:admin'),
    headers: [
      ['Impersonate-User', 'system:anonymous'],
      ['Impersonate-Group', 'system:unauthenticated'],
    ],
    expectedUser: user('system:anonymous', ['system:unauthenticated']),
    expectedImpersonated: true,
  },
  {
    name: 'an anonymous requester without a grant is refused',
    requester: user('system:anonymous', ['system:unauthenticated']),
    headers: [['Impersonate-User', 'system:anonymous']],
    expectedCode: 403,
    expectedMessage:
      'users "system:anonymous" is forbidden: User "system:anonymous" cannot impersonate resource "users" in API group "" at the cluster scope',
  },
  {
    name: 'unauthenticated-group-prevents-adding-authenticated-group',
    requester: user('dev'),
    headers: [
      ['Impersonate-User', 'unknown'],
      ['Impersonate-Group', 'system:unauthenticated'],
    ],
    expectedUser: user('unknown', ['system:unauthenticated']),
    expectedImpersonated: true,
  },
  {
    name: 'specified-authenticated-group-prevents-double-adding-authenticated-group',
    requester: user('dev', ['wheel']),
    headers: [
      ['Impersonate-User', 'system:admin'],
      ['Impersonate-Group', 'some-group'],
      ['Impersonate-Group', 'system:authenticated'],
    ],
    expectedUser: user('system:admin', ['some-group', 'system:authenticated']),
    expectedImpersonated: true,
  },
  {
    name: 'repeated Impersonate-Group lines are separate groups; a comma inside one line is part of the name',
    requester: user('admin'),
    headers: [
      ['Impersonate-User', 'u'],
      ['Impersonate-Group', 'a, b'],
      ['Impersonate-Group', 'c'],
    ],
    expectedUser: user('u', ['a, b', 'c', 'system:authenticated']),
    expectedImpersonated: true,
    expectedChecks: ['users /u ', 'groups /a, b ', 'groups /c '],
  },
  {
    name: "without headersDistinct, Node's joined value is one group (why the server must pass headersDistinct)",
    requester: user('admin'),
    headers: [
      ['Impersonate-User', 'u'],
      ['Impersonate-Group', 'a'],
      ['Impersonate-Group', 'c'],
    ],
    headersOnly: true,
    expectedUser: user('u', ['a, c', 'system:authenticated']),
    expectedImpersonated: true,
  },
  {
    name: 'several Impersonate-User lines: the first wins (Go Header.Get)',
    requester: user('admin'),
    headers: [
      ['Impersonate-User', 'first'],
      ['Impersonate-User', 'second'],
    ],
    expectedUser: user('first', ['system:authenticated']),
    expectedImpersonated: true,
    expectedChecks: ['users /first '],
  },
  {
    name: 'header names are case-insensitive',
    requester: user('admin'),
    headers: [
      ['IMPERSONATE-USER', 'u'],
      ['impersonate-group', 'g'],
      ['ImPeRsOnAtE-eXtRa-Scopes', 's'],
      ['impersonate-UID', 'i'],
    ],
    expectedUser: user('u', ['g', 'system:authenticated'], { uid: 'i', extra: { scopes: ['s'] } }),
    expectedImpersonated: true,
  },
  {
    name: 'UTF-8 bytes (delivered by Node as latin1) are decoded: jané',
    requester: user('admin'),
    headers: [
      ['Impersonate-User', Buffer.from('jané', 'utf8').toString('latin1')],
      ['Impersonate-Extra-team', Buffer.from('개발', 'utf8').toString('latin1')],
    ],
    expectedUser: user('jané', ['system:authenticated'], { extra: { team: ['개발'] } }),
    expectedImpersonated: true,
  },
  {
    name: "non-UTF-8 bytes become U+FFFD (as Kubernetes' JSON shows them), no crash",
    requester: user('admin'),
    headers: [
      ['Impersonate-User', 'u'],
      ['Impersonate-Extra-raw', '\xff\xfe'],
      ['Impersonate-Extra-bad%ffkey', 'v'],
    ],
    expectedUser: user('u', ['system:authenticated'], { extra: { raw: ['\ufffd\ufffd'], 'bad\ufffdkey': ['v'] } }),
    expectedImpersonated: true,
  },
  {
    name: 'an extra key `__proto__` is an ordinary key',
    requester: user('admin'),
    headers: [
      ['Impersonate-User', 'u'],
      ['Impersonate-Extra-__proto__', 'x'],
      ['Impersonate-Extra-constructor', 'y'],
    ],
    expectedUser: user('u', ['system:authenticated'], { extra: JSON.parse('{"__proto__":["x"],"constructor":["y"]}') }),
    expectedImpersonated: true,
  },
  {
    name: 'an empty extra key (header `Impersonate-Extra-`) is checked as userextras without subresource',
    requester: user('bob'),
    headers: [
      ['Impersonate-User', 'jane'],
      ['Impersonate-Extra-', 'v'],
    ],
    expectedCode: 403,
    expectedMessage:
      'userextras.authentication.k8s.io "v" is forbidden: User "bob" cannot impersonate resource "userextras" in API group "authentication.k8s.io" at the cluster scope',
  },
];

function describeCheck(a: {
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  apiGroup: string;
}): string {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return `${resource} ${a.namespace}/${a.name} ${a.apiGroup}`;
}

for (const tc of cases) {
  test(`impersonate: ${tc.name}`, async () => {
    const authz = authorizer();
    const { headers, distinct } = nodeHeaders(tc.headers);
    const run = () => impersonate(tc.requester, headers, authz, tc.headersOnly ? undefined : distinct);

    if (tc.expectedCode !== undefined) {
      await assert.rejects(run, (err: unknown) => {
        assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
        assert.equal(err.code, tc.expectedCode);
        assert.equal(err.reason, tc.expectedCode === 403 ? 'Forbidden' : 'BadRequest');
        if (tc.expectedMessage !== undefined) assert.equal(err.message, tc.expectedMessage);
        return true;
      });
    } else {
      const result = await run();
      assert.deepEqual(result.user, tc.expectedUser);
      assert.equal(result.impersonated, tc.expectedImpersonated);
    }

    if (tc.expectedChecks) assert.deepEqual(authz.calls.map(describeCheck), tc.expectedChecks);
    for (const call of authz.calls) {
      assert.equal(call.verb, 'impersonate');
      assert.equal(call.isResourceRequest, true);
      assert.equal(call.user, tc.requester, 'checks are made as the requester, not the impersonated user');
    }
  });
}

test('impersonate: 403 details name the resource without subresource and the value', async () => {
  const err = await impersonate(
    user('dev'),
    { 'impersonate-user': 'x', 'impersonate-extra-project': 'p1' },
    authorizer(),
  ).catch((e: unknown) => e);
  assert.ok(err instanceof StatusError);
  assert.deepEqual(err.toStatus(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message:
      'userextras.authentication.k8s.io "p1" is forbidden: User "dev" cannot impersonate resource "userextras/project" in API group "authentication.k8s.io" at the cluster scope',
    reason: 'Forbidden',
    details: { name: 'p1', group: 'authentication.k8s.io', kind: 'userextras' },
    code: 403,
  });
});

test('impersonate: extra and uid checks carry apiVersion v1, core kinds none', async () => {
  const authz = authorizer();
  await impersonate(user('admin'), {}, authz, {
    'impersonate-user': ['u'],
    'impersonate-extra-k': ['v'],
    'impersonate-uid': ['1'],
  });
  assert.deepEqual(
    authz.calls.map((c) => [c.resource, c.apiGroup, c.apiVersion, c.path]),
    [
      ['users', '', '', ''],
      ['userextras', 'authentication.k8s.io', 'v1', ''],
      ['uids', 'authentication.k8s.io', 'v1', ''],
    ],
  );
});

test('impersonate: thousands of groups are each checked and kept in order', async () => {
  const authz = new TableAuthorizer([grant('admin', '*', '*', '*', '*', '*', '*')]);
  const groups = Array.from({ length: 5000 }, (_, i) => `group-${i}`);
  const started = performance.now();
  const result = await impersonate(user('admin'), {}, authz, {
    'impersonate-user': ['u'],
    'impersonate-group': groups,
  });
  const elapsedMs = performance.now() - started;
  assert.equal(authz.calls.length, 5001);
  assert.deepEqual(result.user.groups, [...groups, 'system:authenticated']);
  assert.ok(elapsedMs < 2000, `5000 group checks took ${elapsedMs.toFixed(0)} ms`);
});

test('impersonate: a huge user name is handled like any other (no crash, exact 403)', async () => {
  const name = 'x'.repeat(70000);
  const err = await impersonate(user('bob'), { 'impersonate-user': name }, authorizer()).catch((e: unknown) => e);
  assert.ok(err instanceof StatusError);
  assert.equal(err.code, 403);
  assert.ok(err.message.startsWith(`users "${name}" is forbidden: User "bob" cannot impersonate`));
});

test('impersonate: hand-built headers without headersDistinct accept arrays as separate values', async () => {
  const result = await impersonate(
    user('admin'),
    { 'Impersonate-User': 'u', 'Impersonate-Group': ['a', 'b'] },
    authorizer(),
  );
  assert.deepEqual(result.user, user('u', ['a', 'b', 'system:authenticated']));
});

test('impersonate: the requester object is returned untouched when nothing is impersonated', async () => {
  const requester = user('tester', ['g']);
  const result = await impersonate(requester, { host: 'x' }, authorizer());
  assert.equal(result.user, requester);
  assert.deepEqual(requester, user('tester', ['g']));
});

test('impersonate: an exception thrown by the authorizer propagates (a bug, not a decision)', async () => {
  const broken = {
    name: 'broken',
    authorize: async () => {
      throw new TypeError('boom');
    },
  };
  await assert.rejects(impersonate(user('admin'), { 'impersonate-user': 'u' }, broken), TypeError);
});
