// The review APIs — create-only, nothing stored: SubjectAccessReview, LocalSubjectAccessReview,
// SelfSubjectAccessReview, SelfSubjectRulesReview (authorization.k8s.io/v1), SelfSubjectReview and
// TokenReview (authentication.k8s.io/v1). `kubectl auth can-i` and `kubectl auth whoami` run on them.
import { badRequest, fieldInvalid, fieldRequired, internalError, invalid, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { intersectAudiences } from '../../authn/audiences.js';
import type { Authenticator, UserInfo } from '../../authn/interfaces.js';
import { log } from '../../log.js';
import type { Attributes, Authorizer, RuleResolver, RulesResult } from '../../authz/interfaces.js';
import type { ResourceDef, RequestContext } from '../types.js';

const AUTHZ = 'authorization.k8s.io';
const AUTHN = 'authentication.k8s.io';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}
interface NonResourceAttributes {
  path?: string;
  verb?: string;
}
interface AccessReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: NonResourceAttributes;
  user?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  uid?: string;
}

export interface ReviewDeps {
  authorizer: () => Authorizer;
  ruleResolvers: () => RuleResolver[];
  /**
   * The request authenticator TokenReview runs (kube's: the whole chain, so groups include
   * system:authenticated); undefined when no token authenticator is configured.
   */
  authenticator: () => Authenticator | undefined;
  apiAudiences: () => string[];
}

function attributesFromSpec(spec: AccessReviewSpec, user: UserInfo): Attributes {
  if (spec.resourceAttributes) {
    const r = spec.resourceAttributes;
    return {
      user,
      verb: r.verb ?? '',
      isResourceRequest: true,
      path: '',
      namespace: r.namespace ?? '',
      apiGroup: r.group ?? '',
      apiVersion: r.version ?? '',
      resource: r.resource ?? '',
      subresource: r.subresource ?? '',
      name: r.name ?? '',
    };
  }
  const n = spec.nonResourceAttributes ?? {};
  return {
    user,
    verb: n.verb ?? '',
    isResourceRequest: false,
    path: n.path ?? '',
    namespace: '',
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    name: '',
  };
}

function validateAttributes(spec: AccessReviewSpec | undefined, self: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec) return [fieldRequired('spec')];
  const hasR = spec.resourceAttributes !== undefined && spec.resourceAttributes !== null;
  const hasN = spec.nonResourceAttributes !== undefined && spec.nonResourceAttributes !== null;
  if (hasR && hasN)
    errs.push(
      fieldInvalid(
        'spec.resourceAttributes',
        spec.resourceAttributes,
        'cannot be specified in combination with resourceAttributes',
      ),
    );
  if (!hasR && !hasN)
    errs.push(
      fieldRequired(
        'spec.resourceAttributes',
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    );
  if (!self && !spec.user && !spec.groups?.length)
    errs.push(fieldInvalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
  return errs;
}

async function decide(authorizer: Authorizer, attrs: Attributes): Promise<Record<string, unknown>> {
  const res = await authorizer.authorize(attrs);
  const status: Record<string, unknown> = { allowed: res.decision === 'Allow' };
  if (res.decision === 'Deny') status.denied = true;
  if (res.reason) status.reason = res.reason;
  if (res.error) status.evaluationError = res.error;
  return status;
}

function reviewResponse(body: KubeObject, kind: string, group: string, status: unknown, spec?: unknown): KubeObject {
  return {
    kind,
    apiVersion: `${group}/v1`,
    metadata: { ...(body.metadata ?? {}), creationTimestamp: null } as never,
    spec: spec ?? body.spec,
    status,
  };
}

function virtual(
  group: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  handler: (body: KubeObject, ctx: RequestContext) => Promise<KubeObject>,
): ResourceDef {
  return {
    group,
    version: 'v1',
    resource,
    kind,
    listKind: `${kind}List`,
    singularName: kind.toLowerCase(),
    namespaced,
    verbs: ['create'],
    virtualCreate: handler,
  };
}

export function reviewResources(deps: ReviewDeps): ResourceDef[] {
  const sar = virtual(AUTHZ, 'subjectaccessreviews', 'SubjectAccessReview', false, async (body) => {
    const spec = body.spec as AccessReviewSpec | undefined;
    const errs = validateAttributes(spec, false);
    if (errs.length) throw invalid('SubjectAccessReview', body.metadata?.name ?? '', AUTHZ, errs);
    const user: UserInfo = {
      username: spec!.user ?? '',
      groups: spec!.groups ?? [],
      uid: spec!.uid,
      extra: spec!.extra,
    };
    return reviewResponse(
      body,
      'SubjectAccessReview',
      AUTHZ,
      await decide(deps.authorizer(), attributesFromSpec(spec!, user)),
    );
  });

  const lsar = virtual(AUTHZ, 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true, async (body, ctx) => {
    const spec = body.spec as AccessReviewSpec | undefined;
    const errs = validateAttributes(spec, false);
    const ns = ctx.info.namespace;
    if (spec?.resourceAttributes && (spec.resourceAttributes.namespace ?? '') !== ns) {
      errs.push(
        fieldInvalid(
          'spec.resourceAttributes.namespace',
          spec.resourceAttributes.namespace ?? '',
          'must match metadata.namespace',
        ),
      );
    }
    if (spec?.nonResourceAttributes)
      errs.push(
        fieldInvalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'),
      );
    if (errs.length) throw invalid('LocalSubjectAccessReview', body.metadata?.name ?? '', AUTHZ, errs);
    const user: UserInfo = {
      username: spec!.user ?? '',
      groups: spec!.groups ?? [],
      uid: spec!.uid,
      extra: spec!.extra,
    };
    body.metadata = { ...(body.metadata ?? {}), namespace: ns };
    return reviewResponse(
      body,
      'LocalSubjectAccessReview',
      AUTHZ,
      await decide(deps.authorizer(), attributesFromSpec(spec!, user)),
    );
  });

  const ssar = virtual(AUTHZ, 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, async (body, ctx) => {
    const spec = body.spec as AccessReviewSpec | undefined;
    const errs = validateAttributes(spec, true);
    if (errs.length) throw invalid('SelfSubjectAccessReview', body.metadata?.name ?? '', AUTHZ, errs);
    return reviewResponse(
      body,
      'SelfSubjectAccessReview',
      AUTHZ,
      await decide(deps.authorizer(), attributesFromSpec(spec!, ctx.user)),
    );
  });

  const ssrr = virtual(AUTHZ, 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, async (body, ctx) => {
    const spec = (body.spec ?? {}) as { namespace?: string };
    if (spec.namespace === undefined || spec.namespace === '') throw badRequest('no namespace on request');
    const merged: RulesResult = { resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: '' };
    const errors: string[] = [];
    for (const r of deps.ruleResolvers()) {
      const res = r.rulesFor(ctx.user, spec.namespace);
      merged.resourceRules.push(...res.resourceRules);
      merged.nonResourceRules.push(...res.nonResourceRules);
      merged.incomplete ||= res.incomplete;
      if (res.evaluationError) errors.push(res.evaluationError);
    }
    const status: Record<string, unknown> = {
      resourceRules: merged.resourceRules,
      nonResourceRules: merged.nonResourceRules,
      incomplete: merged.incomplete,
    };
    if (errors.length) status.evaluationError = errors.join(', ');
    return reviewResponse(body, 'SelfSubjectRulesReview', AUTHZ, status, spec);
  });

  const ssr = virtual(AUTHN, 'selfsubjectreviews', 'SelfSubjectReview', false, async (body, ctx) => {
    const u = ctx.user;
    const userInfo: Record<string, unknown> = { username: u.username };
    if (u.uid) userInfo.uid = u.uid;
    if (u.groups.length) userInfo.groups = u.groups;
    if (u.extra && Object.keys(u.extra).length) userInfo.extra = u.extra;
    return {
      kind: 'SelfSubjectReview',
      apiVersion: `${AUTHN}/v1`,
      metadata: { creationTimestamp: null } as never,
      status: { userInfo },
    };
  });

  const tokenReview = virtual(AUTHN, 'tokenreviews', 'TokenReview', false, (body) => reviewToken(body, deps));

  return [tokenReview, ssr, lsar, sar, ssar, ssrr];
}

/**
 * TokenReview (pkg/registry/authentication/tokenreview/storage.go): a request carrying nothing but
 * `Authorization: Bearer <token>`, limited to spec.audiences (or the API audiences), through the
 * request authenticator; status.audiences are the audiences the token was found good for.
 */
export async function reviewToken(body: KubeObject, deps: ReviewDeps): Promise<KubeObject> {
  const spec = (body.spec ?? {}) as { token?: string; audiences?: string[] };
  if (!spec.token) throw badRequest('token is required for TokenReview in authentication');
  const auth = deps.authenticator();
  if (!auth) return reviewResponse(body, 'TokenReview', AUTHN, { user: {} });
  const audiences = spec.audiences?.length ? spec.audiences : deps.apiAudiences();
  let resp = null;
  let error: string | undefined;
  try {
    resp = await auth.authenticate({
      headers: { authorization: `Bearer ${spec.token}` },
      peerCertificates: [],
      audiences: audiences.length > 0 ? [...audiences] : undefined,
    });
  } catch (e) {
    error = (e as Error).message;
  }
  if (audiences.length > 0 && resp && intersectAudiences(audiences, resp.audiences ?? []).length === 0) {
    log.error({ want: audiences, got: resp.audiences ?? [] }, 'error validating audience');
    throw internalError('error validating audiences');
  }
  // TokenReviewStatus in Go's field order; empty fields are omitted as omitempty does, user never is.
  const status: Record<string, unknown> = {};
  if (resp) status.authenticated = true;
  status.user = {};
  if (resp) {
    const u = resp.user;
    const user: Record<string, unknown> = {};
    if (u.username) user.username = u.username;
    if (u.uid) user.uid = u.uid;
    if (u.groups.length) user.groups = u.groups;
    if (u.extra && Object.keys(u.extra).length) user.extra = u.extra;
    status.user = user;
    if (resp.audiences?.length) status.audiences = resp.audiences;
  }
  if (error) status.error = error;
  return reviewResponse(body, 'TokenReview', AUTHN, status);
}
