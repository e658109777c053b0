// Who the signed-in user is (SelfSubjectReview) and the identity a subject form describes, as UserInfo.

export interface UserInfo {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface SelfSubjectReview {
  status: { userInfo: UserInfo };
}

export const SELF_SUBJECT_REVIEW = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' };

const SA_PREFIX = 'system:serviceaccount:';

/** The groups kube's service-account authenticator gives `system:serviceaccount:NS:NAME`. */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    username: `${SA_PREFIX}${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

/** A user name from a form, with the groups typed beside it (comma or space separated). */
export function parseGroups(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((g) => g.trim())
    .filter(Boolean);
}

export function isServiceAccount(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const rest = username.slice(SA_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  return { namespace: rest.slice(0, colon), name: rest.slice(colon + 1) };
}
