// Who `--as USER --as-group G…` is, exactly as kube-apiserver's impersonation filter builds the user that
// `kubectl auth can-i --as …` is evaluated as: a service-account user name brings its groups
// (system:serviceaccounts, system:serviceaccounts:<ns>) unless groups are given, and every non-anonymous user
// gets system:authenticated unless system:authenticated/unauthenticated is given (src/server/filters/impersonation.ts).
// Browser-safe (no node: imports).
import type { UserInfo } from '../authn/interfaces.js';
import {
  SERVICE_ACCOUNT_PREFIX,
  SERVICE_ACCOUNTS_GROUP,
  SYSTEM_ANONYMOUS,
  SYSTEM_AUTHENTICATED,
  SYSTEM_UNAUTHENTICATED,
} from '../authn/interfaces.js';

export function impersonatedUser(username: string, groups: readonly string[] = []): UserInfo {
  let out = [...groups];
  if (out.length === 0 && username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
    const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
    if (parts.length === 2 && parts[0] && parts[1])
      out = [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${parts[0]}`];
  }
  if (username !== SYSTEM_ANONYMOUS) {
    if (!out.includes(SYSTEM_AUTHENTICATED) && !out.includes(SYSTEM_UNAUTHENTICATED)) out.push(SYSTEM_AUTHENTICATED);
  } else if (!out.includes(SYSTEM_UNAUTHENTICATED)) out.push(SYSTEM_UNAUTHENTICATED);
  return { username, groups: out };
}
