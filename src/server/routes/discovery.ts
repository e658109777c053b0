// Discovery documents built from the resource table: legacy (/api, /apis, /api/v1, /apis/<g>/<v>)
// and aggregated (apidiscovery.k8s.io/v2, which kubectl asks for first and which saves it a round trip per group).
import { createHash } from 'node:crypto';
import { groupVersion, type ResourceDef } from '../../registry/types.js';

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

export function wantsAggregated(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const p = part.replace(/\s/g, '').toLowerCase();
    if (p.includes('as=apigroupdiscoverylist') && p.includes('g=apidiscovery.k8s.io'))
      return p.includes('v=v2beta1') ? 'v2beta1' : 'v2';
  }
  return undefined;
}

export function aggregatedContentType(v: 'v2' | 'v2beta1'): string {
  return v === 'v2' ? AGGREGATED_V2 : AGGREGATED_V2BETA1;
}

function storageVersionHash(def: ResourceDef): string {
  return createHash('sha256').update(`${def.group}/${def.version}/${def.kind}`).digest('base64').slice(0, 11);
}

export class Discovery {
  private readonly groups = new Map<string, ResourceDef[]>();

  constructor(private readonly defs: ResourceDef[]) {
    for (const d of defs) {
      const gv = groupVersion(d);
      if (!this.groups.has(gv)) this.groups.set(gv, []);
      this.groups.get(gv)!.push(d);
    }
  }

  groupVersions(): string[] {
    return [...this.groups.keys()];
  }

  has(gv: string): boolean {
    return this.groups.has(gv);
  }

  apiVersions(serverAddress: string): unknown {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }

  apiGroupList(): unknown {
    const groups = [...new Set(this.defs.filter((d) => d.group).map((d) => d.group))];
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groups.map((g) => {
        const versions = [...new Set(this.defs.filter((d) => d.group === g).map((d) => d.version))];
        const vs = versions.map((v) => ({ groupVersion: `${g}/${v}`, version: v }));
        return { name: g, versions: vs, preferredVersion: vs[0] };
      }),
    };
  }

  resourceList(gv: string): unknown {
    const defs = this.groups.get(gv) ?? [];
    const resources: unknown[] = [];
    for (const d of defs) {
      const r: Record<string, unknown> = {
        name: d.resource,
        singularName: d.singularName,
        namespaced: d.namespaced,
        kind: d.kind,
        verbs: d.virtualCreate ? ['create'] : d.verbs,
      };
      if (d.shortNames) r.shortNames = d.shortNames;
      if (d.categories) r.categories = d.categories;
      if (!d.virtualCreate) r.storageVersionHash = storageVersionHash(d);
      resources.push(r);
      for (const [sub, s] of Object.entries(d.subresources ?? {})) {
        const sr: Record<string, unknown> = {
          name: `${d.resource}/${sub}`,
          singularName: '',
          namespaced: d.namespaced,
          kind: s.kind ?? d.kind,
          verbs: s.verbs,
        };
        if (s.group !== undefined) sr.group = s.group;
        if (s.version !== undefined) sr.version = s.version;
        resources.push(sr);
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
  }

  /** apidiscovery.k8s.io APIGroupDiscoveryList for /api (legacy=true) or /apis. */
  aggregated(legacy: boolean, version: 'v2' | 'v2beta1'): unknown {
    const items: unknown[] = [];
    const groups = legacy ? [''] : [...new Set(this.defs.filter((d) => d.group).map((d) => d.group))];
    for (const g of groups) {
      const versions = [...new Set(this.defs.filter((d) => d.group === g).map((d) => d.version))];
      items.push({
        metadata: g ? { name: g, creationTimestamp: null } : { creationTimestamp: null },
        versions: versions.map((v) => ({
          version: v,
          resources: this.defs
            .filter((d) => d.group === g && d.version === v)
            .map((d) => {
              const r: Record<string, unknown> = {
                resource: d.resource,
                responseKind: { group: d.group, version: d.version, kind: d.kind },
                scope: d.namespaced ? 'Namespaced' : 'Cluster',
                singularResource: d.singularName,
                verbs: d.virtualCreate ? ['create'] : d.verbs,
              };
              if (d.shortNames) r.shortNames = d.shortNames;
              if (d.categories) r.categories = d.categories;
              const subs = Object.entries(d.subresources ?? {});
              if (subs.length) {
                r.subresources = subs.map(([name, s]) => ({
                  subresource: name,
                  responseKind: { group: s.group ?? d.group, version: s.version ?? d.version, kind: s.kind ?? d.kind },
                  verbs: s.verbs,
                }));
              }
              return r;
            }),
          freshness: 'Current',
        })),
      });
    }
    return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
  }
}
