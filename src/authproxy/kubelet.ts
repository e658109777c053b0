// Kubelet mode: a KubeletConfiguration's authentication, authorization and readOnlyPort, applied as the kubelet
// does (pkg/kubelet/server/auth.go): the request path maps to a nodes/<subresource>, the verb to the HTTP method.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface KubeletAuthSettings {
  anonymous: boolean;
  webhookAuthn: boolean;
  clientCAFile?: string;
  authorizationMode: 'Webhook' | 'AlwaysAllow';
  readOnlyPort: number;
}

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Reads the file; defaults are the v1beta1 KubeletConfiguration's (anonymous off, webhook authn and authz on). */
export function loadKubeletConfig(file: string): KubeletAuthSettings {
  const doc = obj(parse(readFileSync(file, 'utf8')));
  if (doc.kind !== undefined && doc.kind !== 'KubeletConfiguration')
    throw new Error(`${file}: kind ${String(doc.kind)}, want KubeletConfiguration`);
  const authn = obj(doc.authentication);
  const mode = obj(doc.authorization).mode ?? 'Webhook';
  if (mode !== 'Webhook' && mode !== 'AlwaysAllow')
    throw new Error(`${file}: authorization.mode ${JSON.stringify(mode)}: want Webhook or AlwaysAllow`);
  const port = doc.readOnlyPort ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${file}: readOnlyPort must be a port number`);
  const ca = obj(authn.x509).clientCAFile;
  return {
    anonymous: obj(authn.anonymous).enabled === true,
    webhookAuthn: obj(authn.webhook).enabled !== false,
    ...(typeof ca === 'string' && ca ? { clientCAFile: ca } : {}),
    authorizationMode: mode,
    readOnlyPort: port,
  };
}

/** The kubelet's HTTP method → API verb (auth.go GetRequestAttributes). */
export function verbForMethod(method: string | undefined): string {
  switch (method) {
    case 'POST':
      return 'create';
    case 'GET':
    case 'HEAD':
      return 'get';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return '';
  }
}

/** isSubpath: the path itself or below it. */
function isSubpath(path: string, prefix: string): boolean {
  return path === prefix || (path.startsWith(prefix) && path[prefix.length] === '/');
}

const SUBRESOURCE_BY_PATH: ReadonlyArray<readonly [string, string]> = [
  ['/stats', 'stats'],
  ['/metrics', 'metrics'],
  ['/logs', 'log'],
  ['/checkpoint', 'checkpoint'],
];
/** KubeletFineGrainedAuthz: these ask for their own subresource first, then fall back to proxy. */
const FINE_GRAINED = ['/pods', '/healthz', '/configz'];

/** The nodes subresources to try, in order; the first allowed wins. */
export function kubeletSubresources(path: string): string[] {
  for (const [prefix, sub] of SUBRESOURCE_BY_PATH) if (isSubpath(path, prefix)) return [sub];
  for (const prefix of FINE_GRAINED) if (isSubpath(path, prefix)) return [prefix.slice(1), 'proxy'];
  return ['proxy'];
}

/** The kubelet's 403 body (auth.go), subresources printed as Go prints a []string. */
export function kubeletForbiddenBody(user: string, verb: string, subresources: string[]): string {
  return `Forbidden (user=${user}, verb=${verb}, resource=nodes, subresource(s)=[${subresources.join(' ')}])\n`;
}
