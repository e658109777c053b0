// From verified claims to the user, as kube's jwtAuthenticator.AuthenticateToken does after
// verification: username, groups, uid, extra (the credential id from jti first), then the required
// claims, the claim validation rules and the user validation rules. Claims read directly follow Go's
// json.Unmarshal into a string/bool/[]string (so their error texts are Go's); CEL results follow
// kube's conversions (string, or string list with empties dropped).
import type { UserInfo } from '../interfaces.js';
import { toCelValue, type CompiledExpression } from './cel.js';
import type { CompiledJwtAuthenticator, CompiledRule } from './config-validate.js';
import type { Claims } from './verify.js';

export const CREDENTIAL_ID_KEY = 'authentication.kubernetes.io/credential-id';

/** A mapping or validation failure; its message is kube's, ready for the 401's log line. */
export class ClaimsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClaimsError';
  }
}

/** encoding/json's name of a JSON value's kind, for `cannot unmarshal <kind> into Go value of type …`. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  return typeof v === 'string' ? 'string' : 'object';
}

/** c.unmarshalClaim(name, &string). */
function stringClaim(claims: Claims, name: string): string {
  if (!Object.hasOwn(claims, name)) throw new Error('claim not present');
  const v = claims[name];
  if (v === null) return '';
  if (typeof v !== 'string') throw new Error(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
  return v;
}

/** stringOrArray: a list of strings, or one string. */
function stringOrArrayClaim(claims: Claims, name: string): string[] {
  const v = claims[name];
  if (v === null) return [];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || x === null))
    return v.map((x) => (x === null ? '' : (x as string)));
  if (typeof v === 'string') return [v];
  throw new Error(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
}

/** convertCELValueToStringList: "" and [] mean absent, empty strings in a list are dropped. */
function celStringList(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (typeof v === 'string') return v ? [v] : [];
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const x of v) {
      if (typeof x !== 'string') throw new Error('expression must return a string or a list of strings');
      if (x) out.push(x);
    }
    return out;
  }
  throw new Error('expression must return a string or a list of strings');
}

const wrapEval = (what: string, e: unknown): ClaimsError =>
  new ClaimsError(`oidc: error evaluating ${what}: ${e instanceof Error ? e.message : String(e)}`);

/** checkValidationRulesEvaluation over results already computed in rule order. */
function checkRules(rules: CompiledRule[], results: unknown[]): void {
  rules.forEach((rule, i) => {
    if (typeof results[i] !== 'boolean') throw new Error('validation expression must return a boolean');
    if (!results[i]) throw new Error(`validation expression '${rule.expression.expression}' failed: ${rule.message}`);
  });
}

export function userFromClaims(a: CompiledJwtAuthenticator, claims: Claims): UserInfo {
  const mappings = a.config.claimMappings;
  const usesCel = a.username || a.groups || a.uid || a.extra.length > 0 || a.claimValidationRules.length > 0;
  const counter = { n: 0 };
  const celClaims = usesCel ? toCelValue(claims, counter) : undefined;
  const run = (e: CompiledExpression): unknown => e.evaluate(celClaims, counter.n);

  // username
  let username: string;
  if (a.username) {
    let v: unknown;
    try {
      v = run(a.username);
    } catch (e) {
      throw wrapEval('username claim expression', e);
    }
    if (typeof v !== 'string')
      throw new ClaimsError(
        'oidc: error evaluating username claim expression: username claim expression must return a string',
      );
    if (!v) throw new ClaimsError('oidc: empty username via CEL expression is not allowed');
    username = v;
  } else {
    const claim = mappings.username.claim;
    try {
      username = stringClaim(claims, claim);
    } catch (e) {
      throw new ClaimsError(`oidc: parse username claims ${JSON.stringify(claim)}: ${(e as Error).message}`);
    }
    if (claim === 'email' && Object.hasOwn(claims, 'email_verified')) {
      const verified = claims.email_verified;
      if (verified !== null && typeof verified !== 'boolean') {
        throw new ClaimsError(
          `oidc: parse 'email_verified' claim: json: cannot unmarshal ${jsonKind(verified)} into Go value of type bool`,
        );
      }
      if (verified !== true) throw new ClaimsError('oidc: email not verified');
    }
    if (mappings.username.prefix) username = mappings.username.prefix + username;
  }

  // groups: the claim when the token has it, else the expression
  let groups: string[] = [];
  const groupsClaim = mappings.groups.claim;
  if (groupsClaim && Object.hasOwn(claims, groupsClaim)) {
    try {
      groups = stringOrArrayClaim(claims, groupsClaim);
    } catch (e) {
      throw new ClaimsError(`oidc: parse groups claim ${JSON.stringify(groupsClaim)}: ${(e as Error).message}`);
    }
    const prefix = mappings.groups.prefix;
    if (prefix) groups = groups.map((g) => prefix + g);
  } else if (a.groups) {
    try {
      groups = celStringList(run(a.groups));
    } catch (e) {
      throw wrapEval('group claim expression', e);
    }
  }

  // uid
  let uid = '';
  if (mappings.uid.claim) {
    try {
      uid = stringClaim(claims, mappings.uid.claim);
    } catch (e) {
      throw new ClaimsError(`oidc: parse uid claim ${JSON.stringify(mappings.uid.claim)}: ${(e as Error).message}`);
    }
  } else if (a.uid) {
    let v: unknown;
    try {
      v = run(a.uid);
    } catch (e) {
      throw wrapEval('uid claim expression', e);
    }
    if (typeof v !== 'string')
      throw new ClaimsError('oidc: error evaluating uid claim expression: uid claim expression must return a string');
    uid = v;
  }

  // extra: the credential id (jti), then the mappings
  const extra: Record<string, string[]> = {};
  if (typeof claims.jti === 'string' && claims.jti) extra[CREDENTIAL_ID_KEY] = [`JTI=${claims.jti}`];
  const extraValues = a.extra.map((m) => {
    try {
      return run(m.expression);
    } catch (e) {
      // EvalClaimMappings' own error, unwrapped, as kube returns it.
      throw new ClaimsError(e instanceof Error ? e.message : String(e));
    }
  });
  a.extra.forEach((m, i) => {
    let values: string[];
    try {
      values = celStringList(extraValues[i]);
    } catch (e) {
      throw new ClaimsError(
        `oidc: error evaluating extra claim expression: ${m.expression.expression}: ${(e as Error).message}`,
      );
    }
    if (values.length) extra[m.key] = values;
  });

  // claim validation: required claims, then expressions
  for (const { claim, value } of a.requiredClaims) {
    if (!Object.hasOwn(claims, claim)) throw new ClaimsError(`oidc: required claim ${claim} not present in ID token`);
    let got: string;
    try {
      got = stringClaim(claims, claim);
    } catch (e) {
      throw new ClaimsError(`oidc: parse claim ${claim}: ${(e as Error).message}`);
    }
    if (got !== value)
      throw new ClaimsError(`oidc: required claim ${claim} value does not match. Got = ${got}, want = ${value}`);
  }
  if (a.claimValidationRules.length) {
    try {
      checkRules(
        a.claimValidationRules,
        a.claimValidationRules.map((r) => run(r.expression)),
      );
    } catch (e) {
      throw wrapEval('claim validation expression', e);
    }
  }

  const user: UserInfo = { username, groups };
  if (uid) user.uid = uid;
  if (Object.keys(extra).length) user.extra = extra;

  if (a.userValidationRules.length) {
    const celUser = { username, uid, groups: [...groups], extra: { ...extra } };
    const size = 4 + groups.length + Object.values(extra).reduce((n, v) => n + 1 + v.length, 0);
    try {
      checkRules(
        a.userValidationRules,
        a.userValidationRules.map((r) => r.expression.evaluate(celUser, size)),
      );
    } catch (e) {
      throw wrapEval('user info validation rule', e);
    }
  }
  return user;
}
