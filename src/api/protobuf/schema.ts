// The protobufjs Root holding every message kauth decodes, parsed once on first use.
import type protobuf from 'protobufjs';
import { protobuf as protobufLib } from './lib.js';
import { APPS_V1 } from './schema/apps.js';
import { AUTHENTICATION_V1 } from './schema/authentication.js';
import { AUTHORIZATION_V1 } from './schema/authorization.js';
import { BATCH_V1 } from './schema/batch.js';
import { CERTIFICATES_V1 } from './schema/certificates.js';
import { COORDINATION_V1 } from './schema/coordination.js';
import { CORE_V1 } from './schema/core.js';
import { META_V1 } from './schema/meta.js';
import { NETWORKING_V1 } from './schema/networking.js';
import { POLICY_V1 } from './schema/policy.js';
import { RBAC_V1 } from './schema/rbac.js';
import { SCHEDULING_V1 } from './schema/scheduling.js';
import { INTSTR, RESOURCE, RUNTIME } from './schema/runtime.js';

const SOURCES = [
  RUNTIME,
  INTSTR,
  RESOURCE,
  META_V1,
  CORE_V1,
  RBAC_V1,
  AUTHENTICATION_V1,
  AUTHORIZATION_V1,
  CERTIFICATES_V1,
  APPS_V1,
  BATCH_V1,
  NETWORKING_V1,
  POLICY_V1,
  SCHEDULING_V1,
  COORDINATION_V1,
];

let root: protobuf.Root | undefined;

/** The resolved Root; parsing ~250 messages costs a few milliseconds, so it happens once. */
export function kubeRoot(): protobuf.Root {
  if (root) return root;
  const r = new (protobufLib().Root)();
  // keepCase: the field names are Kubernetes' JSON names and must stay as written.
  for (const text of SOURCES) protobufLib().parse(text, r, { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

/** A message type by its full name, e.g. `core.v1.Pod`. */
export function kubeType(fullName: string): protobuf.Type {
  return kubeRoot().lookupType(fullName);
}
