// The cluster authentication trust publisher (pkg/controlplane/controller/clusterauthenticationtrust):
// kube-system/extension-apiserver-authentication tells extension API servers whom to trust — the client
// CA, and the front proxy's CA, allowed names and header names (lists as JSON arrays). What is already
// there is kept and merged with this server's values (several API servers share the ConfigMap):
// lists are unioned in order, CA bundles are unioned, de-duplicated and cleared of expired certificates.
import { X509Certificate } from 'node:crypto';
import type { KubeObject } from '../api/types.js';
import type { ObjectStore } from '../registry/object-store.js';
import { Informer, WorkQueue } from './informer.js';
import { createIfMissing } from './serviceaccounts.js';

export const AUTHENTICATION_CONFIGMAP_NAMESPACE = 'kube-system';
export const AUTHENTICATION_CONFIGMAP_NAME = 'extension-apiserver-authentication';

export interface RequestHeaderTrust {
  caPem: string;
  allowedNames: string[];
  usernameHeaders: string[];
  uidHeaders: string[];
  groupHeaders: string[];
  extraHeaderPrefixes: string[];
}

/** ClusterAuthenticationInfo: what this server requires the ConfigMap to say. */
export interface ClusterAuthenticationInfo {
  clientCaPem?: string;
  requestHeader?: RequestHeaderTrust;
}

/** The parts of ClusterAuthenticationInfo as the ConfigMap holds them (lists may be absent). */
interface TrustContent {
  clientCa: X509Certificate[];
  requestHeaderCa: X509Certificate[];
  allowedNames: string[];
  usernameHeaders: string[];
  uidHeaders: string[];
  groupHeaders: string[];
  extraHeaderPrefixes: string[];
}

const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;
/** filterExpiredCerts' slack. */
const EXPIRY_SLACK_MS = 5 * 60_000;

function parseCerts(pem: string | undefined, what: string): X509Certificate[] {
  if (!pem) return [];
  const certs = [...pem.matchAll(CERTIFICATE_PEM)].map((m) => new X509Certificate(m[0]));
  if (certs.length === 0) throw new Error(`${what}: data does not contain any valid RSA or ECDSA certificates`);
  return certs;
}

/** jsonDeserializeStringSlice: "" is no list; anything else must be a JSON array of strings. */
function parseList(data: Record<string, string>, key: string): string[] {
  const text = data[key];
  if (!text) return [];
  const v: unknown = JSON.parse(text);
  if (v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw new Error(`${key}: not a JSON list of strings`);
  return v as string[];
}

function existingContent(data: Record<string, string>): TrustContent {
  return {
    clientCa: parseCerts(data['client-ca-file'], 'client-ca-file'),
    requestHeaderCa: parseCerts(data['requestheader-client-ca-file'], 'requestheader-client-ca-file'),
    allowedNames: parseList(data, 'requestheader-allowed-names'),
    usernameHeaders: parseList(data, 'requestheader-username-headers'),
    uidHeaders: parseList(data, 'requestheader-uid-headers'),
    groupHeaders: parseList(data, 'requestheader-group-headers'),
    extraHeaderPrefixes: parseList(data, 'requestheader-extra-headers-prefix'),
  };
}

function requiredContent(info: ClusterAuthenticationInfo): TrustContent {
  const rh = info.requestHeader;
  return {
    clientCa: parseCerts(info.clientCaPem, 'client CA'),
    requestHeaderCa: parseCerts(rh?.caPem, 'request-header CA'),
    allowedNames: rh?.allowedNames ?? [],
    usernameHeaders: rh?.usernameHeaders ?? [],
    uidHeaders: rh?.uidHeaders ?? [],
    groupHeaders: rh?.groupHeaders ?? [],
    extraHeaderPrefixes: rh?.extraHeaderPrefixes ?? [],
  };
}

/** combineUniqueStringSlices. */
const unionList = (a: string[], b: string[]): string[] => [...new Set([...a, ...b])];

/** combineCertLists: both bundles, without certificates expired more than 5 minutes ago, each once. */
function unionCerts(a: X509Certificate[], b: X509Certificate[], now: number): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const c of [...a, ...b]) {
    if (Date.parse(c.validTo) <= now - EXPIRY_SLACK_MS) continue;
    if (!out.some((o) => o.raw.equals(c.raw))) out.push(c);
  }
  return out;
}

/** getConfigMapDataFor: the request-header keys only when there is a request-header CA. */
export function configMapData(
  existing: Record<string, string>,
  info: ClusterAuthenticationInfo,
  now = Date.now(),
): Record<string, string> {
  const have = existingContent(existing);
  const want = requiredContent(info);
  const data: Record<string, string> = {};
  const clientCa = unionCerts(have.clientCa, want.clientCa, now);
  if (clientCa.length) data['client-ca-file'] = clientCa.map((c) => c.toString()).join('');
  const requestHeaderCa = unionCerts(have.requestHeaderCa, want.requestHeaderCa, now);
  if (requestHeaderCa.length === 0) return data;
  data['requestheader-username-headers'] = JSON.stringify(unionList(have.usernameHeaders, want.usernameHeaders));
  data['requestheader-uid-headers'] = JSON.stringify(unionList(have.uidHeaders, want.uidHeaders));
  data['requestheader-group-headers'] = JSON.stringify(unionList(have.groupHeaders, want.groupHeaders));
  data['requestheader-extra-headers-prefix'] = JSON.stringify(
    unionList(have.extraHeaderPrefixes, want.extraHeaderPrefixes),
  );
  data['requestheader-client-ca-file'] = requestHeaderCa.map((c) => c.toString()).join('');
  data['requestheader-allowed-names'] = JSON.stringify(unionList(have.allowedNames, want.allowedNames));
  return data;
}

function sameData(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export class ClusterAuthenticationTrustController {
  readonly queue: WorkQueue;

  constructor(
    private readonly objects: ObjectStore,
    private readonly info: ClusterAuthenticationInfo,
    namespaces: Informer,
    configMaps: Informer,
  ) {
    // Certificates are parsed here once, so a bad bundle stops the start-up rather than looping in the queue.
    requiredContent(info);
    const key = `${AUTHENTICATION_CONFIGMAP_NAMESPACE}/${AUTHENTICATION_CONFIGMAP_NAME}`;
    this.queue = new WorkQueue('cluster_authentication_trust_controller', () => this.sync());
    const ours = (o: KubeObject): boolean =>
      o.metadata.namespace === AUTHENTICATION_CONFIGMAP_NAMESPACE && o.metadata.name === AUTHENTICATION_CONFIGMAP_NAME;
    namespaces.on({
      upsert: (o) => {
        if (o.metadata.name === AUTHENTICATION_CONFIGMAP_NAMESPACE) this.queue.add(key);
      },
    });
    const enqueue = (o: KubeObject): void => {
      if (ours(o)) this.queue.add(key);
    };
    configMaps.on({ upsert: enqueue, remove: enqueue });
  }

  private async sync(): Promise<void> {
    const ns = AUTHENTICATION_CONFIGMAP_NAMESPACE;
    const name = AUTHENTICATION_CONFIGMAP_NAME;
    const cur = await this.objects.get('configmaps', ns, name);
    const curData = (cur?.data ?? {}) as Record<string, string>;
    const data = configMapData(curData, this.info);
    if (cur && sameData(curData, data)) return;
    if (!cur) {
      if (Object.keys(data).length === 0) return;
      const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
      return createIfMissing(this.objects, 'configmaps', cm);
    }
    await this.objects.guaranteedUpdate(this.objects.def('configmaps'), ns, name, (o) => {
      const next = configMapData((o.data ?? {}) as Record<string, string>, this.info);
      if (sameData((o.data ?? {}) as Record<string, string>, next)) return undefined;
      o.data = next;
      return o;
    });
  }
}
