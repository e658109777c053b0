// NodeRestriction (plugin/pkg/admission/noderestriction/admission.go). The Node authorizer lets a kubelet
// read whatever the pods bound to it reference; this plugin stops a kubelet from making that graph say what
// it likes. A kubelet (`system:node:<name>` in `system:nodes`) may only:
//   - create mirror pods bound to itself, owned by its Node, that reference no secrets, configmaps, PVCs,
//     ClusterTrustBundles or service accounts; delete and update the status of pods bound to itself;
//   - modify its own Node, never its taints, ownerReferences or config source, and only labels outside
//     kubernetes.io / k8s.io (bar the kubelet's own ones) and never node-restriction.kubernetes.io ones;
//   - request tokens bound to a pod on itself, for an audience that pod uses (ServiceAccountNodeAudienceRestriction)
//     or that it is authorized for; create node CSRs only for its own name; touch only its own Lease.
// Like kube's plugin it admits in the mutating phase, before validation, so a kubelet gets the 403 first.
// Kinds kauth does not serve (PVC status, CSINodes, ResourceSlices) are not covered; leases are, by group and
// resource, for when coordination.k8s.io is served.
import { forbidden, notFound, StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { resourceAttributes } from '../authz/attributes.js';
import { goQuote } from '../authz/format.js';
import type { Authorizer } from '../authz/interfaces.js';
import { MIRROR_POD_ANNOTATION, podConfigMapNames, podSecretNames } from '../authz/node-graph.js';
import { NODE_LEASE_NAMESPACE, NODE_USER_PREFIX, nodeIdentity } from '../authz/node.js';
import { jsonEqual } from '../registry/json-walk.js';
import type { ObjectStore } from '../registry/object-store.js';
import {
  CERTIFICATES_GROUP,
  KUBE_APISERVER_CLIENT_KUBELET_SIGNER,
  KUBELET_SERVING_SIGNER,
  parseCsrRequest,
  requestBytes,
} from '../registry/resources/certificates.js';
import type { AdmissionPlugin, AdmissionRequest } from './interface.js';

export const NODE_RESTRICTION = 'NodeRestriction';

/** v1.LabelNamespaceNodeRestriction: labels only an administrator may put on a Node. */
const NODE_RESTRICTION_LABEL_NAMESPACE = 'node-restriction.kubernetes.io';
/** kubeletapis.KubeletLabels (k8s.io/kubelet/pkg/apis/well_known_labels.go). */
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
]);
/** kubeletapis.KubeletLabelNamespaces: `[*.]kubelet.kubernetes.io/*` and `[*.]node.kubernetes.io/*`. */
const KUBELET_LABEL_NAMESPACES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];
const AUDIENCE_VERB = 'request-serviceaccounts-token-audience';
const COORDINATION_GROUP = 'coordination.k8s.io';

export interface NodeRestrictionDeps {
  /** Pods and Nodes (and PVCs, PVs, CSIDrivers when served) are read from here. */
  objects: () => ObjectStore;
  /** The server's authorizer: it may grant a node extra token audiences (request-serviceaccounts-token-audience). */
  authorizer: () => Authorizer;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const specOf = (o: KubeObject | undefined): Json => obj(o?.spec) ?? {};
const labelsOf = (o: KubeObject | undefined): Record<string, string> =>
  (obj(o?.metadata?.labels) ?? {}) as Record<string, string>;

export function nodeRestriction(deps: NodeRestrictionDeps): AdmissionPlugin {
  return {
    name: NODE_RESTRICTION,
    mutate: (req) => new NodeAdmission(deps, req).admit(),
  };
}

/** One request from a node, with kube's helpers bound to it. */
class NodeAdmission {
  private nodeName = '';

  constructor(
    private readonly deps: NodeRestrictionDeps,
    private readonly req: AdmissionRequest,
  ) {}

  async admit(): Promise<void> {
    const nodeName = nodeIdentity(this.req.ctx.user);
    if (nodeName === undefined) return; // our job is only to restrict nodes
    if (nodeName === '') this.refuse(`could not determine node from user ${goQuote(this.req.ctx.user.username)}`);
    this.nodeName = nodeName;
    const { group, resource } = this.req.def;
    if (group === '' && resource === 'pods') {
      switch (this.req.subresource) {
        case '':
          return this.admitPod();
        case 'status':
          return this.admitPodStatus();
        case 'eviction':
          return this.admitPodEviction();
        default:
          this.refuse(
            `unexpected pod subresource ${goQuote(this.req.subresource)}, ` +
              `only 'status' and 'eviction' are allowed`,
          );
      }
    }
    if (group === '' && resource === 'nodes') return this.admitNode();
    if (group === '' && resource === 'serviceaccounts') return this.admitServiceAccount();
    if (group === COORDINATION_GROUP && resource === 'leases') return this.admitLease();
    if (group === CERTIFICATES_GROUP && resource === 'certificatesigningrequests') return this.admitCsr();
  }

  /**
   * admission.NewForbidden: `<resource>[.<group>] "<name>" is forbidden: <why>`, the name being the request's,
   * else the object's name or generateName, else "Unknown".
   */
  private refuse(why: string): never {
    const { req } = this;
    const meta = obj(req.object?.metadata);
    const name = req.name || str(meta?.name) || str(meta?.generateName) || 'Unknown';
    throw forbidden({ group: req.def.group, resource: req.def.resource }, name, why);
  }

  /** The node's name as Go's %q prints it. */
  private get me(): string {
    return goQuote(this.nodeName);
  }

  /** The lister's NotFound (`pod "x" not found`), which kube returns as it is. */
  private async getPod(name: string): Promise<KubeObject> {
    const pod = await this.deps.objects().get('pods', this.req.namespace, name);
    if (!pod) throw notFound({ group: '', resource: 'pod' }, name);
    return pod;
  }

  // ---- pods ------------------------------------------------------------------------------------

  private async admitPod(): Promise<void> {
    switch (this.req.operation) {
      case 'CREATE':
        return this.admitPodCreate();
      case 'DELETE': {
        const existing = this.req.oldObject ?? (await this.getPod(this.req.name));
        if (str(specOf(existing).nodeName) !== this.nodeName) {
          this.refuse(`node ${this.me} can only delete pods with spec.nodeName set to itself`);
        }
        return;
      }
      default:
        this.refuse(
          `unexpected operation ${goQuote(this.req.operation)}, ` +
            `node ${this.me} can only create and delete mirror pods`,
        );
    }
  }

  private async admitPodCreate(): Promise<void> {
    const pod = this.req.object;
    if (!pod) this.refuse('unexpected type <nil>');
    const annotations = obj(pod.metadata?.annotations) ?? {};
    if (!Object.prototype.hasOwnProperty.call(annotations, MIRROR_POD_ANNOTATION)) {
      this.refuse(
        `pod does not have ${goQuote(MIRROR_POD_ANNOTATION)} annotation, ` +
          `node ${this.me} can only create mirror pods`,
      );
    }
    const spec = specOf(pod);
    if (str(spec.nodeName) !== this.nodeName) {
      this.refuse(`node ${this.me} can only create pods with spec.nodeName set to itself`);
    }
    await this.checkMirrorPodOwner(arr(pod.metadata?.ownerReferences));

    // A mirror pod must not reference any other API object: the Node authorizer would hand them to the node.
    // (v1's deprecated spec.serviceAccount becomes serviceAccountName when kube converts the pod.)
    if (str(spec.serviceAccountName) || str(spec.serviceAccount)) {
      this.refuse(`node ${this.me} can not create pods that reference a service account`);
    }
    if (podSecretNames(spec).length) this.refuse(`node ${this.me} can not create pods that reference secrets`);
    if (podConfigMapNames(spec).length) this.refuse(`node ${this.me} can not create pods that reference configmaps`);
    const volumes = arr(spec.volumes).map(obj);
    for (const vol of volumes) {
      if (arr(obj(vol?.projected)?.sources).some((s) => obj(obj(s)?.clusterTrustBundle))) {
        this.refuse(`node ${this.me} can not create pods that reference clustertrustbundles`);
      }
    }
    if (volumes.some((vol) => obj(vol?.persistentVolumeClaim))) {
      this.refuse(`node ${this.me} can not create pods that reference persistentvolumeclaims`);
    }
  }

  /** Exactly one owner: the node's own Node object, as controller, with its current UID. */
  private async checkMirrorPodOwner(owners: unknown[]): Promise<void> {
    if (owners.length > 1) {
      this.refuse(`node ${this.me} can only create pods with a single owner reference set to itself`);
    }
    const owner = obj(owners[0]);
    if (!owner) this.refuse(`node ${this.me} can only create pods with an owner reference set to itself`);
    if (owner.apiVersion !== 'v1' || owner.kind !== 'Node' || owner.name !== this.nodeName) {
      this.refuse(`node ${this.me} can only create pods with an owner reference set to itself`);
    }
    if (owner.controller !== true) {
      this.refuse(`node ${this.me} can only create pods with a controller owner reference set to itself`);
    }
    if (owner.blockOwnerDeletion === true) {
      this.refuse(`node ${this.me} must not set blockOwnerDeletion on an owner reference`);
    }
    const node = await this.deps.objects().get('nodes', '', this.nodeName);
    if (!node) throw notFound({ group: '', resource: 'node' }, this.nodeName);
    // Go's text, arguments in its order: "expected" is the owner reference's UID.
    const ownerUid = str(owner.uid);
    const nodeUid = str(node.metadata.uid);
    if (ownerUid !== nodeUid) this.refuse(`node ${this.nodeName} UID mismatch: expected ${ownerUid} got ${nodeUid}`);
  }

  private admitPodStatus(): void {
    if (this.req.operation !== 'UPDATE') this.refuse(`unexpected operation ${goQuote(this.req.operation)}`);
    const oldPod = this.req.oldObject;
    if (str(specOf(oldPod).nodeName) !== this.nodeName) {
      this.refuse(`node ${this.me} can only update pod status for pods with spec.nodeName set to itself`);
    }
    if (modifiedLabels(labelsOf(this.req.object), labelsOf(oldPod)).length) {
      this.refuse(`node ${this.me} cannot update labels through pod status`);
    }
    if (!resourceClaimStatusesEqual(this.req.oldObject, this.req.object)) {
      this.refuse(`node ${this.me} cannot update resource claim statues`);
    }
  }

  /** For when pods/eviction is served: only pods bound to this node. */
  private async admitPodEviction(): Promise<void> {
    if (this.req.operation !== 'CREATE') this.refuse(`unexpected operation ${this.req.operation}`);
    // The pod named by the URL wins over the name in the submitted Eviction.
    const podName = this.req.ctx.info.name || str(obj(this.req.object?.metadata)?.name);
    if (!podName) this.refuse('could not determine pod from request data');
    const pod = await this.getPod(podName);
    if (str(specOf(pod).nodeName) !== this.nodeName) {
      this.refuse(`node ${this.nodeName} can only evict pods with spec.nodeName set to itself`);
    }
  }

  // ---- nodes -----------------------------------------------------------------------------------

  private admitNode(): void {
    const requested = this.req.name;
    if (requested !== this.nodeName) {
      this.refuse(`node ${this.me} is not allowed to modify node ${goQuote(requested)}`);
    }
    const node = this.req.object;
    if (this.req.operation === 'CREATE') {
      // The config source names a ConfigMap the Node authorizer would then let the node read.
      if (isSet(specOf(node).configSource)) {
        this.refuse(`node ${this.me} is not allowed to create pods with a non-nil configSource`);
      }
      // Labels that would let a node steer privileged workloads to itself.
      const forbiddenLabels = forbiddenNodeLabels(modifiedLabels(labelsOf(node), {}));
      if (forbiddenLabels.length) {
        this.refuse(`node ${this.me} is not allowed to set the following labels: ${forbiddenLabels.join(', ')}`);
      }
    }
    if (this.req.operation === 'UPDATE') {
      const old = this.req.oldObject;
      const source = specOf(node).configSource;
      if (isSet(source) && !semanticEqual(source, specOf(old).configSource)) {
        this.refuse(`node ${this.me} is not allowed to update configSource to a new non-nil configSource`);
      }
      if (!semanticEqual(specOf(node).taints, specOf(old).taints)) {
        this.refuse(`node ${this.me} is not allowed to modify taints`);
      }
      if (!semanticEqual(node?.metadata?.ownerReferences, old?.metadata?.ownerReferences)) {
        this.refuse(`node ${this.me} is not allowed to modify ownerReferences`);
      }
      const forbiddenLabels = forbiddenNodeLabels(modifiedLabels(labelsOf(node), labelsOf(old)));
      if (forbiddenLabels.length) this.refuse(`is not allowed to modify labels: ${forbiddenLabels.join(', ')}`);
    }
  }

  // ---- serviceaccounts/token -------------------------------------------------------------------

  private async admitServiceAccount(): Promise<void> {
    if (this.req.operation !== 'CREATE' || this.req.subresource !== 'token') return;
    const tokenSpec = specOf(this.req.object);
    // Only tokens bound to a pod scheduled on this node (the server adds the node binding itself).
    const ref = obj(tokenSpec.boundObjectRef);
    if (!ref || ref.apiVersion !== 'v1' || ref.kind !== 'Pod' || !str(ref.name)) {
      this.refuse('node requested token not bound to a pod');
    }
    const uid = str(ref.uid);
    if (!uid) this.refuse('node requested token with a pod binding without a uid');
    const pod = await this.getPod(str(ref.name));
    if (uid !== pod.metadata.uid) {
      this.refuse(
        `the UID in the bound object reference (${uid}) does not match the UID in record. ` +
          'The object might have been deleted and then recreated',
      );
    }
    if (str(specOf(pod).nodeName) !== this.nodeName) {
      this.refuse('node requested token bound to a pod scheduled on a different node');
    }
    await this.checkAudience(arr(tokenSpec.audiences), pod);
  }

  /** ServiceAccountNodeAudienceRestriction (on by default since 1.33): an audience the pod uses, or one granted. */
  private async checkAudience(audiences: unknown[], pod: KubeObject): Promise<void> {
    if (audiences.length > 1) this.refuse('node may only request 0 or 1 audiences');
    const audience = str(audiences[0]);
    const { found, errors } = await this.podReferencesAudience(pod, audience);
    if (found) return;
    if (errors.length) this.refuse(`error validating audience ${goQuote(audience)}: ${aggregate(errors)}`);
    const { user } = this.req.ctx;
    const decision = await this.deps.authorizer().authorize(
      resourceAttributes(user, {
        verb: AUDIENCE_VERB,
        apiGroup: '',
        apiVersion: 'v1',
        resource: audience,
        namespace: this.req.namespace,
        name: this.req.name,
      }),
    );
    if (decision.decision === 'Allow') return;
    this.refuse(
      `audience ${goQuote(audience)} not found in pod spec volume, ` +
        `${user.username} is not authorized to request tokens for this audience`,
    );
  }

  /**
   * The audience of a projected service-account token volume, or one a CSI driver the pod uses asks for
   * (inline, through a PVC, or through a generic ephemeral volume's PVC). Lookups that fail are reported only
   * when nothing else matched.
   */
  private async podReferencesAudience(
    pod: KubeObject,
    audience: string,
  ): Promise<{ found: boolean; errors: string[] }> {
    const errors: string[] = [];
    for (const vol of arr(specOf(pod).volumes).map(obj)) {
      if (!vol) continue;
      const projected = arr(obj(vol.projected)?.sources).map((s) => obj(obj(s)?.serviceAccountToken));
      if (projected.some((t) => t && str(t.audience) === audience)) return { found: true, errors };
      let driver: string | undefined;
      try {
        if (obj(vol.ephemeral) && obj(obj(vol.ephemeral)!.volumeClaimTemplate)) {
          driver = await this.csiDriverOfClaim(`${str(pod.metadata.name)}-${str(vol.name)}`);
        } else if (obj(vol.persistentVolumeClaim)) {
          driver = await this.csiDriverOfClaim(str(obj(vol.persistentVolumeClaim)!.claimName));
        } else if (obj(vol.csi)) {
          driver = str(obj(vol.csi)!.driver);
        }
        if (driver && (await this.csiDriverRequestsAudience(driver, audience))) return { found: true, errors };
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        errors.push(e.message);
      }
    }
    return { found: false, errors };
  }

  private async csiDriverOfClaim(claimName: string): Promise<string | undefined> {
    const pvc = await this.optional(
      'persistentvolumeclaims',
      '',
      this.req.namespace,
      claimName,
      'persistentvolumeclaim',
    );
    const pv = await this.optional('persistentvolumes', '', '', str(specOf(pvc).volumeName), 'persistentvolume');
    return str(obj(specOf(pv).csi)?.driver) || undefined;
  }

  private async csiDriverRequestsAudience(driver: string, audience: string): Promise<boolean> {
    const csiDriver = await this.optional('csidrivers', 'storage.k8s.io', '', driver, 'csidriver');
    return arr(specOf(csiDriver).tokenRequests).some((t) => str(obj(t)?.audience) === audience);
  }

  /** A lister Get: an object of a kind kauth does not serve is as absent as a missing one. */
  private async optional(
    resource: string,
    group: string,
    namespace: string,
    name: string,
    singular: string,
  ): Promise<KubeObject> {
    const objects = this.deps.objects();
    const served = objects.defs.some((d) => d.resource === resource && d.group === group);
    const found = served ? await objects.get(group ? `${resource}.${group}` : resource, namespace, name) : undefined;
    if (!found) throw notFound({ group, resource: singular }, name);
    return found;
  }

  // ---- leases and CSRs -------------------------------------------------------------------------

  private admitLease(): void {
    if (this.req.namespace !== NODE_LEASE_NAMESPACE) {
      this.refuse(`can only access leases in the ${goQuote(NODE_LEASE_NAMESPACE)} system namespace`);
    }
    const name = this.req.operation === 'CREATE' ? str(obj(this.req.object?.metadata)?.name) : this.req.name;
    if (name !== this.nodeName) this.refuse('can only access node lease with the same name as the requesting node');
  }

  /** A kubelet CSR (client or serving) carries the node's own CN (AllowInsecureKubeletCertificateSigningRequests off). */
  private async admitCsr(): Promise<void> {
    if (this.req.operation !== 'CREATE' || !this.req.object) return;
    const signerName = str(specOf(this.req.object).signerName);
    if (signerName !== KUBELET_SERVING_SIGNER && signerName !== KUBE_APISERVER_CLIENT_KUBELET_SIGNER) return;
    let commonName: string;
    try {
      commonName = (await parseCsrRequest(requestBytes(this.req.object))).subject.commonName;
    } catch (e) {
      this.refuse(`unable to parse csr: ${(e as Error).message}`);
    }
    const own = `${NODE_USER_PREFIX}${this.nodeName}`;
    if (commonName !== own) this.refuse(`can only create a node CSR with CN=${own}`);
  }
}

// ---- helpers -------------------------------------------------------------------------------------

/** A Go pointer field that is set (JSON null and absence are both nil). */
function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/**
 * equality.Semantic.DeepEqual for the fields compared here (taints, ownerReferences, configSource): nil and
 * empty slices are equal, and so are an absent and an empty string field; key order does not matter.
 */
function semanticEqual(a: unknown, b: unknown): boolean {
  return jsonEqual(normalize(a), normalize(b));
}

function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map(normalize) : undefined;
  const o = obj(v);
  if (!o) return v === null || v === '' ? undefined : v;
  const out: Json = {};
  for (const [k, x] of Object.entries(o)) {
    const n = normalize(x);
    if (n !== undefined) out[k] = n;
  }
  return out;
}

/** getModifiedLabels: keys added, removed or changed between two label maps. */
function modifiedLabels(a: Record<string, string>, b: Record<string, string>): string[] {
  const modified = new Set<string>();
  const has = (m: Record<string, string>, k: string): boolean => Object.prototype.hasOwnProperty.call(m, k);
  for (const [k, v] of Object.entries(a)) if (!has(b, k) || b[k] !== v) modified.add(k);
  for (const [k, v] of Object.entries(b)) if (!has(a, k) || a[k] !== v) modified.add(k);
  return [...modified];
}

/** The part of a label key before its first `/` ("" when there is none). */
function labelNamespace(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

function inDomain(namespace: string, domain: string): boolean {
  return namespace === domain || namespace.endsWith(`.${domain}`);
}

/** kubeletapis.IsKubeletLabel. */
export function isKubeletLabel(key: string): boolean {
  if (KUBELET_LABELS.has(key)) return true;
  const namespace = labelNamespace(key);
  return KUBELET_LABEL_NAMESPACES.some((allowed) => inDomain(namespace, allowed));
}

/**
 * getForbiddenLabels, sorted as sets.String.List: node-restriction.kubernetes.io labels, and kubernetes.io /
 * k8s.io labels that are not the kubelet's own.
 */
export function forbiddenNodeLabels(modified: string[]): string[] {
  const forbiddenKeys = modified.filter((key) => {
    const namespace = labelNamespace(key);
    if (inDomain(namespace, NODE_RESTRICTION_LABEL_NAMESPACE)) return true;
    const kubernetesLabel = inDomain(namespace, 'kubernetes.io') || inDomain(namespace, 'k8s.io');
    return kubernetesLabel && !isKubeletLabel(key);
  });
  return forbiddenKeys.sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
}

/** resourceClaimStatusesEqual: same names and claim names, in order. */
function resourceClaimStatusesEqual(a: KubeObject | undefined, b: KubeObject | undefined): boolean {
  const statuses = (o: KubeObject | undefined): Json[] =>
    arr(obj(o?.status)?.resourceClaimStatuses).map((s) => obj(s) ?? {});
  const x = statuses(a);
  const y = statuses(b);
  if (x.length !== y.length) return false;
  return x.every((s, i) => {
    const t = y[i]!;
    if (str(s.name) !== str(t.name)) return false;
    const sameClaim = str(s.resourceClaimName) === str(t.resourceClaimName);
    return isSet(s.resourceClaimName) === isSet(t.resourceClaimName) && sameClaim;
  });
}

/** utilerrors.NewAggregate(errs).Error(): one message as is, several as `[a, b]` (duplicates once). */
function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}
