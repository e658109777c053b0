// What kube's apiextensions controllers do for each CRD, on every replica (the informer sees every write):
// register the served versions' resources (the registry's change is seen by the next request), decide
// NamesAccepted (a plural or kind another CRD of the group holds is a conflict, as in the naming controller)
// and Established, and record acceptedNames and storedVersions. A CRD's removal unregisters its resources;
// its stored custom resources are deleted by the CRD's afterDelete (cleanupCustomResources).
import type { KubeObject } from '../api/types.js';
import { log } from '../log.js';
import type { ObjectStore } from '../registry/object-store.js';
import type { ResourceRegistry } from '../registry/resource-registry.js';
import { customResourceDefinitions } from './crd-resource.js';
import { defsForCrd, type CrdSpec } from './custom-resource.js';

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

export class CrdController {
  /** The spec each registered CRD was registered with (status writes do not re-register). */
  private readonly registered = new Map<string, string>();
  private writes: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly objects: ObjectStore,
    private readonly registry: ResourceRegistry,
  ) {}

  upsert(crd: KubeObject): void {
    const name = crd.metadata.name!;
    const spec = crd.spec as unknown as CrdSpec;
    const conflict = this.namesConflict(name, spec);
    const specText = JSON.stringify(spec);
    if (conflict) {
      if (this.registered.delete(name)) this.registry.replace(name, []);
    } else if (this.registered.get(name) !== specText) {
      try {
        this.registry.replace(name, defsForCrd(spec));
        this.registered.set(name, specText);
      } catch (e) {
        log.error({ crd: name, err: (e as Error).message }, 'serving a CustomResourceDefinition failed');
        return;
      }
    }
    this.queueStatus(name, spec, conflict);
  }

  remove(crd: KubeObject): void {
    const name = crd.metadata.name!;
    this.registered.delete(name);
    this.registry.replace(name, []);
  }

  stop(): void {
    this.stopped = true;
  }

  /** The naming controller's check: another CRD of the group already serves this plural or kind. */
  private namesConflict(name: string, spec: CrdSpec): string | undefined {
    for (const d of this.registry.all()) {
      if (d.group !== spec.group || this.registry.owner(name).includes(d)) continue;
      if (d.resource === spec.names.plural) return `"${spec.names.plural}" is already in use`;
      if (d.kind === spec.names.kind) return `"${spec.names.kind}" is already in use`;
    }
    return undefined;
  }

  private queueStatus(name: string, spec: CrdSpec, conflict: string | undefined): void {
    this.writes = this.writes
      .then(() => this.writeStatus(name, spec, conflict))
      .catch((e: Error) => {
        if (!this.stopped) log.warn({ crd: name, err: e.message }, 'updating a CustomResourceDefinition status failed');
      });
  }

  private async writeStatus(name: string, spec: CrdSpec, conflict: string | undefined): Promise<void> {
    if (this.stopped) return;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const wanted: Condition[] = conflict
      ? [
          { type: 'NamesAccepted', status: 'False', reason: 'NameConflict', message: conflict },
          { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' },
        ]
      : [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
          {
            type: 'Established',
            status: 'True',
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
          },
        ];
    await this.objects.guaranteedUpdate(customResourceDefinitions, '', name, (cur) => {
      if (JSON.stringify(cur.spec) !== JSON.stringify(spec)) return undefined; // a newer spec has its own turn
      const status = (cur.status ?? {}) as {
        conditions?: Condition[];
        acceptedNames?: unknown;
        storedVersions?: string[];
      };
      const old = status.conditions ?? [];
      let changed = false;
      const conditions = wanted.map((w) => {
        const o = old.find((c) => c.type === w.type);
        if (o && o.status === w.status && o.reason === w.reason && o.message === w.message) return o;
        changed = true;
        return { ...w, lastTransitionTime: o && o.status === w.status ? o.lastTransitionTime : now };
      });
      const rest = old.filter((c) => !wanted.some((w) => w.type === c.type));
      const storage = spec.versions.find((v) => v.storage)?.name;
      const stored = [...(status.storedVersions ?? [])];
      if (storage && !stored.includes(storage)) {
        stored.push(storage);
        changed = true;
      }
      const accepted = conflict ? (status.acceptedNames ?? { plural: '', kind: '' }) : spec.names;
      if (JSON.stringify(accepted) !== JSON.stringify(status.acceptedNames)) changed = true;
      if (!changed) return undefined;
      cur.status = { conditions: [...conditions, ...rest], acceptedNames: accepted, storedVersions: stored };
      return cur;
    });
  }

  /** Resolves when the queued status writes are done (tests, settle). */
  idle(): Promise<void> {
    return this.writes;
  }
}

/**
 * Deletes every stored object of a deleted CRD (kube's finalizer customresourcecleanup.apiextensions.k8s.io
 * does this before the CRD goes; kauth does it right after the CRD's own delete, so the CRD is gone first and
 * no new object can be created meanwhile). Works on the storage prefix, a page at a time.
 */
export async function cleanupCustomResources(crd: KubeObject, objects: ObjectStore): Promise<void> {
  const spec = crd.spec as unknown as CrdSpec;
  const prefix = `/registry/${spec.group}/${spec.names.plural}/`;
  for (;;) {
    const page = await objects.store.list(prefix, { limit: 500 });
    if (page.items.length === 0) return;
    for (const kv of page.items) {
      try {
        await objects.store.delete(kv.key);
      } catch (e) {
        if ((e as Error).name !== 'KeyNotFoundError') throw e;
      }
    }
  }
}
