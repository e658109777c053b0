// networking.k8s.io/v1 Ingresses, IngressClasses and NetworkPolicies: stored with kube's defaults and the
// main rules of pkg/apis/networking/validation, printed as printers.go prints them. Nothing routes traffic.
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { ALL_VERBS, keepStatus, statusOnly, type ResourceDef } from '../types.js';
import { dns1123Label, dns1123Subdomain } from '../validation.js';
import { validateEnum } from './core.js';
import {
  AGE,
  age,
  col,
  formatSelector,
  immutableField,
  part,
  printer,
  validateLabelSelector,
  type LabelSelector,
  type Obj,
} from './common.js';

type Backend = { service?: { name?: string; port?: { name?: string; number?: number } }; resource?: Obj };
type Rule = { host?: string; http?: { paths?: { path?: string; pathType?: string; backend?: Backend }[] } };

function validateBackend(b: Backend | undefined, field: string): FieldError[] {
  if (!b) return [fieldRequired(field)];
  const errs: FieldError[] = [];
  if (b.service && b.resource) errs.push(fieldInvalid(field, '', 'cannot set both resource and service backends'));
  else if (!b.service && !b.resource) errs.push(fieldInvalid(field, '', 'resource or service backend is required'));
  if (b.service) {
    if (!b.service.name) errs.push(fieldRequired(`${field}.service.name`));
    else
      for (const m of dns1123Label(b.service.name)) errs.push(fieldInvalid(`${field}.service.name`, b.service.name, m));
    const p = b.service.port;
    if (!p || (p.name === undefined && p.number === undefined))
      errs.push(fieldRequired(`${field}.service.port`, 'port name or number is required'));
    else if (p.name !== undefined && p.number !== undefined)
      errs.push(fieldInvalid(`${field}.service.port`, p, 'cannot set both port name & port number'));
    else if (p.number !== undefined && (p.number < 1 || p.number > 65535))
      errs.push(fieldInvalid(`${field}.service.port.number`, p.number, 'must be between 1 and 65535, inclusive'));
  }
  return errs;
}

function validateHost(host: string, field: string): FieldError[] {
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return [fieldInvalid(field, host, 'must be a DNS name, not an IP address')];
  return dns1123Subdomain(bare).map((m) => fieldInvalid(field, host, m));
}

function validateIngress(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs: FieldError[] = [];
  const rules = (spec.rules ?? []) as Rule[];
  if (!spec.defaultBackend && rules.length === 0)
    errs.push(fieldInvalid('spec.rules', rules, 'either `defaultBackend` or `rules` must be specified'));
  if (spec.defaultBackend) errs.push(...validateBackend(spec.defaultBackend as Backend, 'spec.defaultBackend'));
  rules.forEach((r, i) => {
    if (r.host) errs.push(...validateHost(r.host, `spec.rules[${i}].host`));
    (r.http?.paths ?? []).forEach((p, j) => {
      const f = `spec.rules[${i}].http.paths[${j}]`;
      if (!p.pathType) errs.push(fieldRequired(`${f}.pathType`, 'pathType must be specified'));
      else {
        errs.push(...validateEnum(`${f}.pathType`, p.pathType, ['Exact', 'ImplementationSpecific', 'Prefix']));
        if ((p.pathType === 'Exact' || p.pathType === 'Prefix') && !(p.path ?? '').startsWith('/'))
          errs.push(fieldInvalid(`${f}.path`, p.path ?? '', 'must be an absolute path'));
      }
      errs.push(...validateBackend(p.backend, `${f}.backend`));
    });
    if (r.http && !r.http.paths?.length) errs.push(fieldRequired(`spec.rules[${i}].http.paths`));
  });
  ((spec.tls ?? []) as { hosts?: string[] }[]).forEach((t, i) =>
    (t.hosts ?? []).forEach((h, j) => errs.push(...validateHost(h, `spec.tls[${i}].hosts[${j}]`))),
  );
  if (spec.ingressClassName !== undefined)
    errs.push(
      ...dns1123Subdomain(spec.ingressClassName as string).map((m) =>
        fieldInvalid('spec.ingressClassName', spec.ingressClassName, m),
      ),
    );
  return errs;
}

/** formatHosts: up to three hosts, `*` when no rule names one. */
function formatHosts(rules: Rule[]): string {
  const hosts = rules.map((r) => r.host).filter((h): h is string => !!h);
  if (hosts.length === 0) return '*';
  const shown = hosts.slice(0, 3).join(',');
  return hosts.length > 3 ? `${shown} + ${hosts.length - 3} more...` : shown;
}

/** ingressLoadBalancerStatusStringer: the load balancer's IPs and hostnames. */
function loadBalancerAddress(o: KubeObject): string {
  const ingress = ((part(o, 'status').loadBalancer as Obj | undefined)?.ingress ?? []) as {
    ip?: string;
    hostname?: string;
  }[];
  return ingress.flatMap((i) => [i.ip, i.hostname].filter((x): x is string => !!x)).join(',');
}

export const ingresses: ResourceDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'ingresses',
  kind: 'Ingress',
  listKind: 'IngressList',
  singularName: 'ingress',
  namespaced: true,
  shortNames: ['ing'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate(o) {
      o.status = { loadBalancer: {} };
    },
    prepareForUpdate: keepStatus,
    validate: validateIngress,
    validateUpdate: validateIngress,
    generationChanged: (o, old) => JSON.stringify(o.spec) !== JSON.stringify(old.spec),
  },
  subresources: { status: { verbs: ['get', 'update', 'patch'], updateStrategy: statusOnly() } },
  table: printer(
    [
      col('Class', 'string', 'The name of the IngressClass resource that should be used for this Ingress.'),
      col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
      col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
      col('Ports', 'string', 'Ports of TLS configurations that open'),
      AGE,
    ],
    (o) => {
      const spec = part(o);
      return [
        (spec.ingressClassName as string) ?? '<none>',
        formatHosts((spec.rules ?? []) as Rule[]),
        loadBalancerAddress(o),
        (spec.tls as unknown[] | undefined)?.length ? '80, 443' : '80',
        age(o),
      ];
    },
  ),
};

function validateIngressClass(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs: FieldError[] = [];
  const controller = spec.controller;
  if (typeof controller !== 'string' || controller === '') errs.push(fieldRequired('spec.controller'));
  else if (controller.length > 250)
    errs.push({
      type: 'FieldValueTooLong',
      field: 'spec.controller',
      message: 'Too long: may not be more than 250 bytes',
    });
  const params = spec.parameters as Obj | undefined;
  if (params) {
    if (!params.kind) errs.push(fieldRequired('spec.parameters.kind'));
    if (!params.name) errs.push(fieldRequired('spec.parameters.name'));
    errs.push(...validateEnum('spec.parameters.scope', params.scope, ['Cluster', 'Namespace']));
    if (params.scope === 'Namespace' && !params.namespace)
      errs.push(fieldRequired('spec.parameters.namespace', '`parameters.scope` is set to "Namespace"'));
  }
  return errs;
}

export const ingressClasses: ResourceDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'ingressclasses',
  kind: 'IngressClass',
  listKind: 'IngressClassList',
  singularName: 'ingressclass',
  namespaced: false,
  verbs: ALL_VERBS,
  strategy: {
    defaults(o) {
      const params = part(o).parameters as Obj | undefined;
      if (params) params.scope ??= 'Cluster';
    },
    validate: validateIngressClass,
    validateUpdate: (o, old) => [
      ...validateIngressClass(o),
      ...immutableField('spec.controller', part(o).controller, part(old).controller),
    ],
    generationChanged: (o, old) => JSON.stringify(o.spec) !== JSON.stringify(old.spec),
  },
  table: printer(
    [
      col('Controller', 'string', 'Controller that is responsible for handling this class'),
      col('Parameters', 'string', 'A reference to a resource with additional parameters'),
      AGE,
    ],
    (o) => {
      const p = part(o).parameters as { kind?: string; apiGroup?: string; name?: string } | undefined;
      const params = p ? `${p.kind ?? ''}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name ?? ''}` : '<none>';
      return [part(o).controller ?? '', params, age(o)];
    },
  ),
};

type PolicyPort = { protocol?: string; port?: number | string; endPort?: number };
type PolicyPeer = {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr?: string; except?: string[] };
};

function validatePolicyRules(
  rules: { ports?: PolicyPort[]; from?: PolicyPeer[]; to?: PolicyPeer[] }[],
  field: string,
  peers: 'from' | 'to',
): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((r, i) => {
    (r.ports ?? []).forEach((p, j) => {
      errs.push(...validateEnum(`${field}[${i}].ports[${j}].protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
      if (typeof p.port === 'number' && (p.port < 1 || p.port > 65535))
        errs.push(fieldInvalid(`${field}[${i}].ports[${j}].port`, p.port, 'must be between 1 and 65535, inclusive'));
      if (p.endPort !== undefined && typeof p.port !== 'number')
        errs.push(
          fieldRequired(`${field}[${i}].ports[${j}].port`, 'When endPort is specified, port must be specified'),
        );
    });
    (r[peers] ?? []).forEach((peer, j) => {
      const f = `${field}[${i}].${peers}[${j}]`;
      const n = ['podSelector', 'namespaceSelector', 'ipBlock'].filter(
        (k) => peer[k as keyof PolicyPeer] !== undefined,
      ).length;
      if (n === 0) errs.push(fieldRequired(f, 'must specify a peer'));
      else if (peer.ipBlock && n > 1)
        errs.push({
          type: 'FieldValueForbidden',
          field: f,
          message: 'Forbidden: may not specify both ipBlock and another peer',
        });
      if (peer.ipBlock && !peer.ipBlock.cidr) errs.push(fieldRequired(`${f}.ipBlock.cidr`));
      if (peer.podSelector) errs.push(...validateLabelSelector(peer.podSelector, `${f}.podSelector`));
      if (peer.namespaceSelector) errs.push(...validateLabelSelector(peer.namespaceSelector, `${f}.namespaceSelector`));
    });
  });
  return errs;
}

function validateNetworkPolicy(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs = validateLabelSelector(spec.podSelector as LabelSelector, 'spec.podSelector');
  errs.push(...validatePolicyRules((spec.ingress ?? []) as never, 'spec.ingress', 'from'));
  errs.push(...validatePolicyRules((spec.egress ?? []) as never, 'spec.egress', 'to'));
  const types = (spec.policyTypes ?? []) as string[];
  if (types.length > 2) errs.push(fieldInvalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
  types.forEach((t, i) => errs.push(...validateEnum(`spec.policyTypes[${i}]`, t, ['Egress', 'Ingress'])));
  return errs;
}

export const networkPolicies: ResourceDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'networkpolicies',
  kind: 'NetworkPolicy',
  listKind: 'NetworkPolicyList',
  singularName: 'networkpolicy',
  namespaced: true,
  shortNames: ['netpol'],
  verbs: ALL_VERBS,
  strategy: {
    // SetDefaults_NetworkPolicy: ports default to TCP; policyTypes to Ingress (plus Egress when egress rules exist).
    defaults(o) {
      const spec = ((o.spec as Obj) ??= {});
      spec.podSelector ??= {};
      for (const dir of ['ingress', 'egress'])
        for (const r of (spec[dir] ?? []) as { ports?: PolicyPort[] }[])
          for (const p of r.ports ?? []) p.protocol ??= 'TCP';
      if (!(spec.policyTypes as unknown[] | undefined)?.length)
        spec.policyTypes = (spec.egress as unknown[] | undefined)?.length ? ['Ingress', 'Egress'] : ['Ingress'];
    },
    validate: validateNetworkPolicy,
    validateUpdate: validateNetworkPolicy,
    generationChanged: (o, old) => JSON.stringify(o.spec) !== JSON.stringify(old.spec),
  },
  table: printer(
    [col('Pod-Selector', 'string', 'Selects the pods to which this NetworkPolicy object applies.'), AGE],
    (o) => [formatSelector((part(o).podSelector ?? {}) as LabelSelector), age(o)],
  ),
};

export const NETWORKING_DEFS: ResourceDef[] = [ingresses, ingressClasses, networkPolicies];
