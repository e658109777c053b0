// ValidateAuthenticationConfiguration (k8s.io/apiserver/pkg/apis/apiserver/validation), with its
// field paths and texts, compiling every CEL expression on the way: a configuration that validates
// comes back ready to run (kube's CELMapper per JWT authenticator).
import { trimTrailingSlashes } from '../../api/trim.js';
import { X509Certificate } from 'node:crypto';
import { fieldDuplicate, fieldForbidden, fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import { pemBlocks } from '../../pki/pem.js';
import { dns1123Subdomain } from '../../registry/validation.js';
import { CelCompileError, compileCel, type CelVariable, type CompiledExpression } from './cel.js';
import type {
  AnonymousAuthConfig,
  AuthenticationConfiguration,
  ClaimMappings,
  Issuer,
  JWTAuthenticator,
  PrefixedClaimOrExpression,
} from './config-types.js';
import { fieldInvalidGoSyntax, goQuote } from './field-errors.js';

export const MAX_JWT_AUTHENTICATORS = 64;
export const AUDIENCE_MATCH_ANY = 'MatchAny';

export interface CompiledRule {
  expression: CompiledExpression;
  message: string;
}

/** One JWT authenticator with its expressions compiled (kube's CELMapper plus the claim rules). */
export interface CompiledJwtAuthenticator {
  config: JWTAuthenticator;
  username?: CompiledExpression;
  groups?: CompiledExpression;
  uid?: CompiledExpression;
  extra: { key: string; expression: CompiledExpression }[];
  requiredClaims: { claim: string; value: string }[];
  claimValidationRules: CompiledRule[];
  userValidationRules: CompiledRule[];
}

export interface ValidationResult {
  errors: FieldError[];
  jwt: CompiledJwtAuthenticator[];
}

export function validateAuthenticationConfiguration(
  c: AuthenticationConfiguration,
  disallowedIssuers: readonly string[],
): ValidationResult {
  const errors: FieldError[] = [];
  const jwt: CompiledJwtAuthenticator[] = [];
  if (c.jwt.length > MAX_JWT_AUTHENTICATORS) {
    return { errors: [tooMany('jwt', c.jwt.length, MAX_JWT_AUTHENTICATORS)], jwt };
  }
  const seenIssuers = new Set<string>();
  const seenDiscoveryURLs = new Set<string>();
  c.jwt.forEach((a, i) => {
    const path = `jwt[${i}]`;
    const result = validateJwtAuthenticator(a, path, disallowedIssuers);
    errors.push(...result.errors);
    jwt.push(result.compiled);
    if (seenIssuers.has(a.issuer.url)) errors.push(fieldDuplicate(`${path}.issuer.url`, a.issuer.url));
    seenIssuers.add(a.issuer.url);
    if (a.issuer.discoveryURL) {
      if (seenDiscoveryURLs.has(a.issuer.discoveryURL))
        errors.push(fieldDuplicate(`${path}.issuer.discoveryURL`, a.issuer.discoveryURL));
      seenDiscoveryURLs.add(a.issuer.discoveryURL);
    }
  });
  if (c.anonymous) errors.push(...validateAnonymous(c.anonymous));
  return { errors, jwt };
}

function validateAnonymous(a: AnonymousAuthConfig): FieldError[] {
  if (a.enabled || a.conditions.length === 0) return [];
  // Go prints the []AnonymousAuthCondition value with %#v.
  const conditions = a.conditions.map((c) => `apiserver.AnonymousAuthCondition{Path:${goQuote(c.path)}}`);
  const goValue = `[]apiserver.AnonymousAuthCondition{${conditions.join(', ')}}`;
  return [
    fieldInvalidGoSyntax('anonymous.conditions', goValue, 'enabled should be set to true when conditions are defined'),
  ];
}

function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: 'FieldValueInvalid', field, message: `Too many: ${actual}: must have at most ${max} items` };
}

/** validateJWTAuthenticator: the field errors, and the compiled authenticator (complete when there are none). */
export function validateJwtAuthenticator(
  a: JWTAuthenticator,
  path: string,
  disallowedIssuers: readonly string[],
): { errors: FieldError[]; compiled: CompiledJwtAuthenticator } {
  const errors: FieldError[] = [];
  const compiled: CompiledJwtAuthenticator = {
    config: a,
    extra: [],
    requiredClaims: [],
    claimValidationRules: [],
    userValidationRules: [],
  };
  const compile = compilerInto(errors);

  errors.push(...validateIssuer(a.issuer, `${path}.issuer`, disallowedIssuers));

  // claimValidationRules
  const seenClaims = new Set<string>();
  const seenExpressions = new Set<string>();
  a.claimValidationRules.forEach((rule, i) => {
    const p = `${path}.claimValidationRules[${i}]`;
    if (rule.claim && rule.expression) {
      errors.push(fieldInvalid(p, rule.claim, "claim and expression can't both be set"));
    } else if (!rule.claim && !rule.expression) {
      errors.push(fieldRequired(p, 'claim or expression is required'));
    } else if (rule.claim) {
      if (rule.message)
        errors.push(fieldInvalid(`${p}.message`, rule.message, 'may not be specified when claim is set'));
      if (seenClaims.has(rule.claim)) errors.push(fieldDuplicate(`${p}.claim`, rule.claim));
      seenClaims.add(rule.claim);
      compiled.requiredClaims.push({ claim: rule.claim, value: rule.requiredValue });
    } else {
      if (rule.requiredValue)
        errors.push(
          fieldInvalid(`${p}.requiredValue`, rule.requiredValue, 'may not be specified when expression is set'),
        );
      if (seenExpressions.has(rule.expression)) {
        errors.push(fieldDuplicate(`${p}.expression`, rule.expression));
        return;
      }
      seenExpressions.add(rule.expression);
      const expression = compile(rule.expression, `${p}.expression`, 'claims', 'bool');
      if (expression) compiled.claimValidationRules.push({ expression, message: rule.message });
    }
  });

  errors.push(...validateClaimMappings(a.claimMappings, `${path}.claimMappings`, compiled));

  // userValidationRules
  const seenUserExpressions = new Set<string>();
  a.userValidationRules.forEach((rule, i) => {
    const p = `${path}.userValidationRules[${i}]`;
    if (!rule.expression) {
      errors.push(fieldRequired(`${p}.expression`));
      return;
    }
    if (seenUserExpressions.has(rule.expression)) {
      errors.push(fieldDuplicate(`${p}.expression`, rule.expression));
      return;
    }
    seenUserExpressions.add(rule.expression);
    const expression = compile(rule.expression, `${p}.expression`, 'user', 'bool');
    if (expression) compiled.userValidationRules.push({ expression, message: rule.message });
  });
  return { errors, compiled };
}

type Compile = (
  expression: string,
  field: string,
  variable: CelVariable,
  want: 'bool' | 'any',
) => CompiledExpression | undefined;

/** Compiles one expression; a compile error becomes field.Invalid(field, expression, detail) in `errors`. */
function compilerInto(errors: FieldError[]): Compile {
  return (expression, field, variable, want) => {
    try {
      return compileCel(expression, variable, want);
    } catch (e) {
      if (!(e instanceof CelCompileError)) throw e;
      errors.push(fieldInvalid(field, expression, e.detail));
      return undefined;
    }
  };
}

function validateClaimMappings(m: ClaimMappings, path: string, compiled: CompiledJwtAuthenticator): FieldError[] {
  const errors: FieldError[] = [];
  const compile = compilerInto(errors);
  const prefixed = (
    mapping: PrefixedClaimOrExpression,
    p: string,
    required: boolean,
  ): CompiledExpression | undefined => {
    if (mapping.expression && mapping.claim) {
      errors.push(fieldInvalid(p, '', "claim and expression can't both be set"));
    } else if (!mapping.expression && !mapping.claim && required) {
      errors.push(fieldRequired(p, 'claim or expression is required'));
    } else if (mapping.expression) {
      const before = errors.length;
      if (mapping.prefix !== undefined)
        errors.push(fieldInvalid(`${p}.prefix`, mapping.prefix, 'may not be specified when expression is set'));
      const expression = compile(mapping.expression, `${p}.expression`, 'claims', 'any');
      return errors.length === before ? expression : undefined;
    } else if (mapping.claim && mapping.prefix === undefined) {
      errors.push(
        fieldRequired(
          `${p}.prefix`,
          'prefix is required when claim is set. It can be set to an empty string to disable prefixing',
        ),
      );
    }
    return undefined;
  };
  compiled.username = prefixed(m.username, `${path}.username`, true);
  compiled.groups = prefixed(m.groups, `${path}.groups`, false);

  if (m.uid.claim && m.uid.expression) {
    errors.push(fieldInvalid(`${path}.uid`, '', "claim and expression can't both be set"));
  } else if (m.uid.expression) {
    compiled.uid = compile(m.uid.expression, `${path}.uid.expression`, 'claims', 'any');
  }

  const seenKeys = new Set<string>();
  m.extra.forEach((mapping, i) => {
    const p = `${path}.extra[${i}]`;
    errors.push(...domainPrefixedPath(`${p}.key`, mapping.key));
    if (mapping.key !== mapping.key.toLowerCase())
      errors.push(fieldInvalid(`${p}.key`, mapping.key, 'must be lowercase'));
    if (isKubernetesDomainPrefix(mapping.key))
      errors.push(
        fieldInvalid(
          `${p}.key`,
          mapping.key,
          'k8s.io, kubernetes.io and their subdomains are reserved for Kubernetes use',
        ),
      );
    if (seenKeys.has(mapping.key)) {
      errors.push(fieldDuplicate(`${p}.key`, mapping.key));
      return;
    }
    seenKeys.add(mapping.key);
    if (!mapping.valueExpression) {
      errors.push(fieldRequired(`${p}.valueExpression`));
      return;
    }
    const expression = compile(mapping.valueExpression, `${p}.valueExpression`, 'claims', 'any');
    if (expression) compiled.extra.push({ key: mapping.key, expression });
  });

  // A username taken from claims.email must be checked against claims.email_verified somewhere.
  if (compiled.username?.selects('email')) {
    const verified = [
      compiled.username,
      ...compiled.extra.map((e) => e.expression),
      ...compiled.claimValidationRules.map((r) => r.expression),
    ].some((e) => e.selects('email_verified'));
    if (!verified) {
      errors.push(
        fieldInvalid(
          `${path}.username.expression`,
          m.username.expression,
          'claims.email_verified must be used in claimMappings.username.expression or claimMappings.extra[*].valueExpression or claimValidationRules[*].expression when claims.email is used in claimMappings.username.expression',
        ),
      );
    }
  }
  return errors;
}

function validateIssuer(issuer: Issuer, path: string, disallowedIssuers: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  if (!issuer.url) errors.push(fieldRequired(`${path}.url`));
  else errors.push(...validateUrl(issuer.url, `${path}.url`, disallowedIssuers));
  if (issuer.discoveryURL) {
    if (issuer.url && trimTrailingSlashes(issuer.url) === trimTrailingSlashes(issuer.discoveryURL)) {
      errors.push(fieldInvalid(`${path}.discoveryURL`, issuer.discoveryURL, 'discoveryURL must be different from URL'));
    }
    errors.push(...validateUrl(issuer.discoveryURL, `${path}.discoveryURL`, []));
  }
  errors.push(
    ...validateAudiences(
      issuer.audiences,
      issuer.audienceMatchPolicy,
      `${path}.audiences`,
      `${path}.audienceMatchPolicy`,
    ),
  );
  if (issuer.certificateAuthority) {
    const problem = certificateAuthorityProblem(issuer.certificateAuthority);
    if (problem) errors.push(fieldInvalid(`${path}.certificateAuthority`, '<omitted>', problem));
  }
  if (
    issuer.egressSelectorType &&
    issuer.egressSelectorType !== 'controlplane' &&
    issuer.egressSelectorType !== 'cluster'
  ) {
    errors.push(
      fieldInvalid(
        `${path}.egressSelectorType`,
        issuer.egressSelectorType,
        'egress selector must be either controlplane or cluster',
      ),
    );
  }
  return errors;
}

/** What Go's url.Parse tells validateURL (scheme, userinfo, query, fragment); a relative reference has no scheme. */
function parseGoUrl(s: string): { scheme: string; user: boolean; query: string; fragment: string } | { error: string } {
  if (s.startsWith(':')) return { error: `parse ${goQuote(s)}: missing protocol scheme` };
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    const hash = s.indexOf('#');
    const beforeHash = hash < 0 ? s : s.slice(0, hash);
    const q = beforeHash.indexOf('?');
    return {
      scheme: '',
      user: false,
      query: q < 0 ? '' : beforeHash.slice(q + 1),
      fragment: hash < 0 ? '' : s.slice(hash + 1),
    };
  }
  const authority = s.slice(u.protocol.length).replace(/^\/\//, '').split(/[/?#]/, 1)[0] ?? '';
  return {
    scheme: u.protocol.slice(0, -1),
    user: authority.includes('@'),
    query: u.search.slice(1),
    fragment: u.hash.slice(1),
  };
}

function validateUrl(url: string, path: string, disallowedIssuers: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  if (disallowedIssuers.includes(url)) {
    errors.push(
      fieldInvalid(
        path,
        url,
        `URL must not overlap with disallowed issuers: [${[...new Set(disallowedIssuers)].sort().join(' ')}]`,
      ),
    );
  }
  const u = parseGoUrl(url);
  if ('error' in u) return [...errors, fieldInvalid(path, url, u.error)];
  if (u.scheme !== 'https') errors.push(fieldInvalid(path, url, 'URL scheme must be https'));
  if (u.user) errors.push(fieldInvalid(path, url, 'URL must not contain a username or password'));
  if (u.query) errors.push(fieldInvalid(path, url, 'URL must not contain a query'));
  if (u.fragment) errors.push(fieldInvalid(path, url, 'URL must not contain a fragment'));
  return errors;
}

function validateAudiences(audiences: string[], policy: string, path: string, policyPath: string): FieldError[] {
  if (audiences.length === 0) return [fieldRequired(path, `at least one ${path} is required`)];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  audiences.forEach((aud, i) => {
    if (!aud) errors.push(fieldRequired(`${path}[${i}]`));
    if (seen.has(aud)) errors.push(fieldDuplicate(`${path}[${i}]`, aud));
    seen.add(aud);
  });
  if (audiences.length > 1 && policy !== AUDIENCE_MATCH_ANY) {
    errors.push(fieldInvalid(policyPath, policy, 'audienceMatchPolicy must be MatchAny for multiple audiences'));
  }
  if (audiences.length === 1 && policy && policy !== AUDIENCE_MATCH_ANY) {
    errors.push(fieldInvalid(policyPath, policy, 'audienceMatchPolicy must be empty or MatchAny for single audience'));
  }
  return errors;
}

/** cert.NewPoolFromBytes: at least one certificate, and every CERTIFICATE block must parse. */
export function certificateAuthorityProblem(pem: string): string | undefined {
  let count = 0;
  try {
    for (const block of pemBlocks(pem)) {
      if (block.type !== 'CERTIFICATE' || block.hasHeaders) continue;
      new X509Certificate(block.der);
      count++;
    }
  } catch (e) {
    return `x509: ${(e as Error).message}`;
  }
  return count === 0 ? 'data does not contain any valid RSA or ECDSA certificates' : undefined;
}

const HTTP_PATH = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

/** validation.IsDomainPrefixedPath: `example.org/foo`. */
function domainPrefixedPath(path: string, value: string): FieldError[] {
  if (!value) return [fieldRequired(path)];
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || !host || !rest)
    return [fieldInvalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errors = dns1123Subdomain(host).map((e) => fieldInvalid(path, host, e));
  if (!HTTP_PATH.test(rest)) {
    errors.push(
      fieldInvalid(path, rest, "Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"),
    );
  }
  return errors;
}

function isKubernetesDomainPrefix(key: string): boolean {
  const slash = key.indexOf('/');
  const domain = slash < 0 ? '' : key.slice(0, slash);
  return (
    domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io') || domain === 'k8s.io' || domain.endsWith('.k8s.io')
  );
}

/** The anonymous section may not change on reload (kube: `anonymous: Forbidden: changed from initial configuration file`). */
export function anonymousChanged(
  before: AnonymousAuthConfig | undefined,
  after: AnonymousAuthConfig | undefined,
): FieldError | undefined {
  const same = JSON.stringify(before ?? null) === JSON.stringify(after ?? null);
  return same ? undefined : fieldForbidden('anonymous', 'changed from initial configuration file');
}
