// kube-rbac-proxy's --config-file: authorization.resourceAttributes (a resource SAR instead of a non-resource one)
// and authorization.rewrites (a query parameter or header value substituted into the attributes, one SAR per
// value, all must allow). Templates are `{{ .Value }}` only; plain string code, no regex on request data.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ResourceAttributesTemplate {
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
}

export interface ProxyConfigFile {
  resourceAttributes?: ResourceAttributesTemplate;
  rewrites?: { byQueryParameter?: string; byHTTPHeader?: string };
}

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function parseProxyConfigFile(text: string, file: string): ProxyConfigFile {
  let doc: Record<string, unknown>;
  try {
    doc = obj(parse(text));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const authz = obj(doc.authorization);
  const out: ProxyConfigFile = {};
  if (authz.resourceAttributes !== undefined) {
    const r = obj(authz.resourceAttributes);
    out.resourceAttributes = {
      namespace: str(r.namespace),
      apiGroup: str(r.apiGroup),
      apiVersion: str(r.apiVersion),
      resource: str(r.resource),
      subresource: str(r.subresource),
      name: str(r.name),
    };
  }
  if (authz.rewrites !== undefined) {
    const rw = obj(authz.rewrites);
    const q = str(obj(rw.byQueryParameter).name),
      h = str(obj(rw.byHTTPHeader).name);
    out.rewrites = { ...(q ? { byQueryParameter: q } : {}), ...(h ? { byHTTPHeader: h } : {}) };
  }
  return out;
}

export function loadProxyConfigFile(file: string): ProxyConfigFile {
  return parseProxyConfigFile(readFileSync(file, 'utf8'), file);
}

/** text/template with only `{{ .Value }}` (any spacing): replaced by value. */
export function fillTemplate(template: string, value: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const open = template.indexOf('{{', i);
    if (open === -1) return out + template.slice(i);
    const close = template.indexOf('}}', open + 2);
    if (close === -1) return out + template.slice(i);
    const inner = template.slice(open + 2, close).trim();
    out += template.slice(i, open) + (inner === '.Value' ? value : '');
    i = close + 2;
  }
}
