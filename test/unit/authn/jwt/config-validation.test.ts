// AuthenticationConfiguration decoding and validation: kube's field paths and texts
// (apiserver/pkg/apis/apiserver/validation/validation_test.go's cases, as kube-apiserver prints them).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAuthenticationConfiguration } from '../../../../src/authn/jwt/config-decode.js';
import { validateAuthenticationConfiguration } from '../../../../src/authn/jwt/config-validate.js';
import { aggregateFieldErrors } from '../../../../src/authn/jwt/field-errors.js';
import { makeServingCertificate } from './test-issuer.js';

const header = 'apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\n';
const SA_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** Validates a YAML document; the aggregate error text, or '' when valid. */
function validate(yaml: string): string {
  const config = decodeAuthenticationConfiguration(yaml);
  return aggregateFieldErrors(validateAuthenticationConfiguration(config, [SA_ISSUER]).errors) ?? '';
}

/** One issuer with `extra` YAML appended under the list item (indented by the caller). */
const jwt = (issuer: string, rest = ''): string => `${header}jwt:\n- issuer:\n${issuer}${rest}`;
const okIssuer = '    url: https://issuer.example.com\n    audiences: [kauth]\n';
const usernameSub = '  claimMappings:\n    username:\n      claim: sub\n      prefix: ""\n';

describe('AuthenticationConfiguration validation', () => {
  const cases: [string, string, string][] = [
    ['minimal valid', jwt(okIssuer, usernameSub), ''],
    ['no authenticators is valid (kube allows it for later reloads)', `${header}jwt: []\n`, ''],
    ['issuer url required', jwt('    audiences: [a]\n', usernameSub), 'jwt[0].issuer.url: Required value'],
    [
      'http issuer',
      jwt('    url: http://issuer.example.com\n    audiences: [a]\n', usernameSub),
      'jwt[0].issuer.url: Invalid value: "http://issuer.example.com": URL scheme must be https',
    ],
    [
      'issuer with user, query and fragment',
      jwt('    url: https://u:p@issuer.example.com/?x=1#f\n    audiences: [a]\n', usernameSub),
      '[jwt[0].issuer.url: Invalid value: "https://u:p@issuer.example.com/?x=1#f": URL must not contain a username or password, ' +
        'jwt[0].issuer.url: Invalid value: "https://u:p@issuer.example.com/?x=1#f": URL must not contain a query, ' +
        'jwt[0].issuer.url: Invalid value: "https://u:p@issuer.example.com/?x=1#f": URL must not contain a fragment]',
    ],
    [
      'issuer overlaps the service-account issuer',
      jwt(`    url: ${SA_ISSUER}\n    audiences: [a]\n`, usernameSub),
      `jwt[0].issuer.url: Invalid value: "${SA_ISSUER}": URL must not overlap with disallowed issuers: [${SA_ISSUER}]`,
    ],
    [
      'discoveryURL equal to url',
      jwt(`${okIssuer}    discoveryURL: https://issuer.example.com/\n`, usernameSub),
      'jwt[0].issuer.discoveryURL: Invalid value: "https://issuer.example.com/": discoveryURL must be different from URL',
    ],
    [
      'no audiences',
      jwt('    url: https://issuer.example.com\n', usernameSub),
      'jwt[0].issuer.audiences: Required value: at least one jwt[0].issuer.audiences is required',
    ],
    [
      'empty and duplicate audiences',
      jwt(
        '    url: https://issuer.example.com\n    audiences: ["", a, a]\n    audienceMatchPolicy: MatchAny\n',
        usernameSub,
      ),
      '[jwt[0].issuer.audiences[0]: Required value, jwt[0].issuer.audiences[2]: Duplicate value: "a"]',
    ],
    [
      'several audiences need MatchAny',
      jwt('    url: https://issuer.example.com\n    audiences: [a, b]\n', usernameSub),
      'jwt[0].issuer.audienceMatchPolicy: Invalid value: "": audienceMatchPolicy must be MatchAny for multiple audiences',
    ],
    [
      'several audiences with MatchAny',
      jwt(
        '    url: https://issuer.example.com\n    audiences: [a, b]\n    audienceMatchPolicy: MatchAny\n',
        usernameSub,
      ),
      '',
    ],
    [
      'one audience, unknown policy',
      jwt(`${okIssuer}    audienceMatchPolicy: MatchAll\n`, usernameSub),
      'jwt[0].issuer.audienceMatchPolicy: Invalid value: "MatchAll": audienceMatchPolicy must be empty or MatchAny for single audience',
    ],
    [
      'certificateAuthority not PEM',
      jwt(`${okIssuer}    certificateAuthority: not a cert\n`, usernameSub),
      'jwt[0].issuer.certificateAuthority: Invalid value: "<omitted>": data does not contain any valid RSA or ECDSA certificates',
    ],
    [
      'egress selector',
      jwt(`${okIssuer}    egressSelectorType: nowhere\n`, usernameSub),
      'jwt[0].issuer.egressSelectorType: Invalid value: "nowhere": egress selector must be either controlplane or cluster',
    ],
    [
      'username claim needs a prefix',
      jwt(okIssuer, '  claimMappings:\n    username:\n      claim: sub\n'),
      'jwt[0].claimMappings.username.prefix: Required value: prefix is required when claim is set. It can be set to an empty string to disable prefixing',
    ],
    [
      'username claim or expression required',
      jwt(okIssuer, ''),
      'jwt[0].claimMappings.username: Required value: claim or expression is required',
    ],
    [
      'username claim and expression',
      jwt(okIssuer, '  claimMappings:\n    username:\n      claim: sub\n      expression: claims.sub\n'),
      'jwt[0].claimMappings.username: Invalid value: "": claim and expression can\'t both be set',
    ],
    [
      'username expression with prefix',
      jwt(okIssuer, '  claimMappings:\n    username:\n      expression: claims.sub\n      prefix: "x:"\n'),
      'jwt[0].claimMappings.username.prefix: Invalid value: "x:": may not be specified when expression is set',
    ],
    [
      'username expression that does not compile',
      jwt(okIssuer, '  claimMappings:\n    username:\n      expression: "claims.sub +"\n'),
      'jwt[0].claimMappings.username.expression: Invalid value: "claims.sub +": compilation failed: Unexpected token: EOF',
    ],
    [
      'claims.email without email_verified',
      jwt(okIssuer, '  claimMappings:\n    username:\n      expression: claims.email\n'),
      'jwt[0].claimMappings.username.expression: Invalid value: "claims.email": claims.email_verified must be used in claimMappings.username.expression or claimMappings.extra[*].valueExpression or claimValidationRules[*].expression when claims.email is used in claimMappings.username.expression',
    ],
    [
      'claims.email with email_verified in a rule (kube docs)',
      jwt(
        okIssuer,
        "  claimValidationRules:\n  - expression: 'claims.?email_verified.orValue(true) == true'\n  claimMappings:\n    username:\n      expression: claims.email\n",
      ),
      '',
    ],
    [
      'claim rule: claim and expression',
      jwt(okIssuer, `  claimValidationRules:\n  - claim: hd\n    expression: "true"\n${usernameSub}`),
      'jwt[0].claimValidationRules[0]: Invalid value: "hd": claim and expression can\'t both be set',
    ],
    [
      'claim rule: neither',
      jwt(okIssuer, `  claimValidationRules:\n  - message: x\n${usernameSub}`),
      'jwt[0].claimValidationRules[0]: Required value: claim or expression is required',
    ],
    [
      'claim rule: message with claim, duplicate claim',
      jwt(okIssuer, `  claimValidationRules:\n  - claim: hd\n    message: m\n  - claim: hd\n${usernameSub}`),
      '[jwt[0].claimValidationRules[0].message: Invalid value: "m": may not be specified when claim is set, jwt[0].claimValidationRules[1].claim: Duplicate value: "hd"]',
    ],
    [
      'claim rule: requiredValue with expression',
      jwt(okIssuer, `  claimValidationRules:\n  - expression: "true"\n    requiredValue: x\n${usernameSub}`),
      'jwt[0].claimValidationRules[0].requiredValue: Invalid value: "x": may not be specified when expression is set',
    ],
    [
      'claim rule must be bool',
      jwt(okIssuer, `  claimValidationRules:\n  - expression: claims.hd\n${usernameSub}`),
      'jwt[0].claimValidationRules[0].expression: Invalid value: "claims.hd": must evaluate to bool',
    ],
    [
      'uid claim and expression',
      jwt(okIssuer, `${usernameSub}    uid:\n      claim: sub\n      expression: claims.sub\n`),
      'jwt[0].claimMappings.uid: Invalid value: "": claim and expression can\'t both be set',
    ],
    [
      'extra keys',
      jwt(
        okIssuer,
        `${usernameSub}    extra:\n    - key: foo\n      valueExpression: claims.a\n    - key: Example.com/x\n      valueExpression: claims.a\n    - key: k8s.io/x\n      valueExpression: claims.a\n    - key: example.com/y\n`,
      ),
      '[jwt[0].claimMappings.extra[0].key: Invalid value: "foo": must be a domain-prefixed path (such as "acme.io/foo"), ' +
        "jwt[0].claimMappings.extra[1].key: Invalid value: \"Example.com\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), " +
        'jwt[0].claimMappings.extra[1].key: Invalid value: "Example.com/x": must be lowercase, ' +
        'jwt[0].claimMappings.extra[2].key: Invalid value: "k8s.io/x": k8s.io, kubernetes.io and their subdomains are reserved for Kubernetes use, ' +
        'jwt[0].claimMappings.extra[3].valueExpression: Required value]',
    ],
    [
      'user rule: empty and duplicate',
      jwt(
        okIssuer,
        `${usernameSub}  userValidationRules:\n  - message: x\n  - expression: "user.username != ''"\n  - expression: "user.username != ''"\n`,
      ),
      '[jwt[0].userValidationRules[0].expression: Required value, jwt[0].userValidationRules[2].expression: Duplicate value: "user.username != \'\'"]',
    ],
    [
      'duplicate issuers',
      `${header}jwt:\n- issuer:\n${okIssuer}${usernameSub}- issuer:\n${okIssuer}${usernameSub}`,
      'jwt[1].issuer.url: Duplicate value: "https://issuer.example.com"',
    ],
    [
      'anonymous conditions need enabled',
      `${header}anonymous:\n  enabled: false\n  conditions:\n  - path: /livez\n`,
      'anonymous.conditions: Invalid value: []apiserver.AnonymousAuthCondition{apiserver.AnonymousAuthCondition{Path:"/livez"}}: enabled should be set to true when conditions are defined',
    ],
    [
      'anonymous with conditions',
      `${header}anonymous:\n  enabled: true\n  conditions:\n  - path: /livez\n  - path: /readyz\n`,
      '',
    ],
  ];
  for (const [name, yaml, want] of cases) {
    test(name, () => assert.equal(validate(yaml), want));
  }

  test('more than 64 authenticators', () => {
    const many = Array.from(
      { length: 65 },
      (_, i) => `- issuer:\n    url: https://i${i}.example.com\n    audiences: [a]\n${usernameSub}`,
    ).join('');
    assert.equal(validate(`${header}jwt:\n${many}`), 'jwt: Too many: 65: must have at most 64 items');
  });

  test('a real CA bundle is accepted', () => {
    const { caPem } = makeServingCertificate();
    assert.equal(validate(jwt(`${okIssuer}    certificateAuthority: ${JSON.stringify(caPem)}\n`, usernameSub)), '');
  });
});

describe('AuthenticationConfiguration decoding', () => {
  const cases: [string, string, string][] = [
    ['empty file', '', 'empty config data'],
    [
      'unknown version',
      'apiVersion: apiserver.config.k8s.io/v9\nkind: AuthenticationConfiguration\n',
      'no kind "AuthenticationConfiguration" is registered for version "apiserver.config.k8s.io/v9" in scheme "k8s.io/apiserver/pkg/apis/apiserver/install"',
    ],
    [
      'another kind',
      'apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\n',
      'no kind "AuthorizationConfiguration" is registered for version "apiserver.config.k8s.io/v1" in scheme "k8s.io/apiserver/pkg/apis/apiserver/install"',
    ],
    [
      'unknown fields',
      `${header}jwt:\n- issuer:\n    url: https://x\n    audience: a\n  claimMapping: {}\nfoo: 1\n`,
      'strict decoding error: unknown field "jwt[0].issuer.audience", unknown field "jwt[0].claimMapping", unknown field "foo"',
    ],
    [
      'wrong type',
      `${header}jwt:\n- issuer:\n    url: https://x\n    audiences: a\n`,
      'json: cannot unmarshal string into Go struct field Issuer.jwt.issuer.audiences of type []string',
    ],
    [
      'wrong type for a struct',
      `${header}anonymous: yes-please\n`,
      'json: cannot unmarshal string into Go struct field AuthenticationConfiguration.anonymous of type v1beta1.AnonymousAuthConfig',
    ],
  ];
  for (const [name, yaml, want] of cases) {
    test(name, () =>
      assert.throws(
        () => decodeAuthenticationConfiguration(yaml),
        (e: Error) => e.message === want || assert.fail(e.message),
      ),
    );
  }

  test('v1 and v1alpha1 decode the same; JSON is accepted; prefix "" is kept apart from absent', () => {
    for (const version of ['v1', 'v1alpha1']) {
      const c = decodeAuthenticationConfiguration(
        `apiVersion: apiserver.config.k8s.io/${version}\nkind: AuthenticationConfiguration\njwt:\n- issuer:\n${okIssuer}${usernameSub}`,
      );
      assert.deepEqual(c.jwt[0]!.claimMappings.username, { claim: 'sub', prefix: '', expression: '' });
      assert.deepEqual(c.jwt[0]!.claimMappings.groups, { claim: '', expression: '' });
    }
    const json = JSON.stringify({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'AuthenticationConfiguration',
      anonymous: { enabled: true },
    });
    assert.deepEqual(decodeAuthenticationConfiguration(json), {
      jwt: [],
      anonymous: { enabled: true, conditions: [] },
    });
  });
});
