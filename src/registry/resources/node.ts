// node.k8s.io/v1 RuntimeClasses (pkg/apis/node/validation): a handler name, optional overhead and scheduling.
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { ALL_VERBS, type ResourceDef } from '../types.js';
import { dns1123Label } from '../validation.js';
import { AGE, age, col, immutableField, printer } from './common.js';

function validateRuntimeClass(o: KubeObject): FieldError[] {
  if (typeof o.handler !== 'string' || o.handler === '') return [fieldRequired('handler')];
  return dns1123Label(o.handler).map((m) => fieldInvalid('handler', o.handler, m));
}

export const runtimeClasses: ResourceDef = {
  group: 'node.k8s.io',
  version: 'v1',
  resource: 'runtimeclasses',
  kind: 'RuntimeClass',
  listKind: 'RuntimeClassList',
  singularName: 'runtimeclass',
  namespaced: false,
  verbs: ALL_VERBS,
  strategy: {
    validate: validateRuntimeClass,
    validateUpdate: (o, old) => [...validateRuntimeClass(o), ...immutableField('handler', o.handler, old.handler)],
  },
  table: printer(
    [
      col(
        'Handler',
        'string',
        'Handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class.',
      ),
      AGE,
    ],
    (o) => [o.handler ?? '', age(o)],
  ),
};

export const NODE_DEFS: ResourceDef[] = [runtimeClasses];
