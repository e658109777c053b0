// How a write to one of the registry's resources is tracked: the kind's merge type (a CRD's from its schema, a
// built-in's from builtin-types.ts), the entries' apiVersion, and the fields the write may not own — status on the
// main resource of a kind with a status subresource, everything but status on /status (kube's reset fields).
import type { KubeObject } from '../../api/types.js';
import { groupVersion, type ResourceDef } from '../types.js';
import { builtinType } from './builtin-types.js';
import type { ManagedWrite } from './field-manager.js';
import { FieldSet } from './field-set.js';

export function managedWriteFor(def: ResourceDef, subresource: string, obj: KubeObject): ManagedWrite {
  const write: ManagedWrite = { type: def.applyType ?? builtinType(def.kind), apiVersion: groupVersion(def) };
  if (subresource) write.subresource = subresource;
  if (subresource === 'status') {
    const others = Object.keys(obj).filter((k) => !['apiVersion', 'kind', 'metadata', 'status'].includes(k));
    if (others.length > 0) write.resetFields = FieldSet.of(...others.map((field) => [{ field }]));
  } else if (!subresource && def.subresources?.status) {
    write.resetFields = FieldSet.of([{ field: 'status' }]);
  }
  return write;
}
