// Admission: what runs after authorization and before storage (apiserver/pkg/admission).
// Mutating plugins change the object; validating plugins may only refuse (throw a StatusError).
import type { KubeObject } from '../api/types.js';
import type { RequestContext, ResourceDef, SubresourceDef } from '../registry/types.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionRequest {
  operation: AdmissionOperation;
  def: ResourceDef;
  /** '' for the main resource, else e.g. 'status', 'approval', 'token'. */
  subresource: string;
  namespace: string;
  name: string;
  object?: KubeObject;
  oldObject?: KubeObject;
  ctx: RequestContext;
}

export interface AdmissionPlugin {
  readonly name: string;
  mutate?(req: AdmissionRequest): Promise<void> | void;
  validate?(req: AdmissionRequest): Promise<void> | void;
}

export class AdmissionChain {
  constructor(private readonly plugins: AdmissionPlugin[]) {}

  async mutate(req: AdmissionRequest): Promise<void> {
    for (const p of this.plugins) if (p.mutate) await p.mutate(req);
  }

  async validate(req: AdmissionRequest): Promise<void> {
    for (const p of this.plugins) if (p.validate) await p.validate(req);
  }
}

/**
 * A create-only subresource (serviceaccounts/token) whose body goes through admission first, as kube's
 * handler admits a TokenRequest before TokenREST.Create: CREATE on the parent's resource and name, with the
 * subresource and the body as the object.
 */
export function admittedCreate(sub: SubresourceDef, def: ResourceDef, chain: () => AdmissionChain): SubresourceDef {
  const create = sub.create;
  if (!create) return sub;
  return {
    ...sub,
    async create(parent, body, ctx) {
      const plain = body !== null && typeof body === 'object' && !Array.isArray(body);
      // A body that is no object still gets admitted (as an empty one) so no plugin can be skipped.
      const object = (plain ? body : {}) as KubeObject;
      object.metadata ??= {};
      const req: AdmissionRequest = {
        operation: 'CREATE',
        def,
        subresource: ctx.info.subresource,
        namespace: ctx.info.namespace,
        name: parent.metadata.name ?? ctx.info.name,
        object,
        ctx,
      };
      await chain().mutate(req);
      await chain().validate(req);
      return create(parent, body, ctx);
    },
  };
}
