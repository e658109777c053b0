// Shared fixtures for the service-account and authn tests: an in-memory ObjectGetter, keys, and
// the objects a token can be bound to.
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { KubeObject, ObjectGetter } from '../../../src/api/types.js';
import { signingKeyFrom, type ServiceAccountSigningKey } from '../../../src/serviceaccount/keys.js';

export const ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const API_AUDIENCES = [ISSUER];

/** Objects by `resource/namespace/name`, replaceable and deletable like the real store. */
export class FakeGetter implements ObjectGetter {
  private readonly objects = new Map<string, KubeObject>();
  calls = 0;
  failWith?: Error;

  private key(resource: string, namespace: string, name: string): string {
    return `${resource}/${namespace}/${name}`;
  }

  async get(resource: string, namespace: string, name: string): Promise<KubeObject | undefined> {
    this.calls++;
    if (this.failWith) throw this.failWith;
    const obj = this.objects.get(this.key(resource, namespace, name));
    return obj ? structuredClone(obj) : undefined;
  }

  put(resource: string, obj: KubeObject): KubeObject {
    this.objects.set(this.key(resource, obj.metadata.namespace ?? '', obj.metadata.name ?? ''), obj);
    return obj;
  }

  delete(resource: string, namespace: string, name: string): void {
    this.objects.delete(this.key(resource, namespace, name));
  }
}

export function object(kind: string, namespace: string, name: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind, metadata: { name, namespace: namespace || undefined, uid: randomUUID() }, ...extra };
}

let rsa: ServiceAccountSigningKey | undefined;
/** One 2048-bit RSA signing key per test process (generation is the slow part). */
export function rsaSigningKey(): ServiceAccountSigningKey {
  rsa ??= signingKeyFrom(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  return rsa;
}

export function newRsaSigningKey(): ServiceAccountSigningKey {
  return signingKeyFrom(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
}

export function ecSigningKey(namedCurve: 'P-256' | 'P-384' | 'P-521'): ServiceAccountSigningKey {
  return signingKeyFrom(generateKeyPairSync('ec', { namedCurve }).privateKey as KeyObject);
}

export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A namespace with a ServiceAccount, a Secret, a Node and a Pod running as that ServiceAccount on that node. */
export function cluster(): {
  getter: FakeGetter;
  sa: KubeObject;
  secret: KubeObject;
  node: KubeObject;
  pod: KubeObject;
} {
  const getter = new FakeGetter();
  const sa = getter.put('serviceaccounts', object('ServiceAccount', 'demo', 'pod-viewer'));
  const secret = getter.put('secrets', object('Secret', 'demo', 'anchor', { type: 'Opaque', data: { a: 'Yg==' } }));
  const node = getter.put('nodes', object('Node', '', 'worker-1'));
  const pod = getter.put(
    'pods',
    object('Pod', 'demo', 'netpod', { spec: { serviceAccountName: 'pod-viewer', nodeName: 'worker-1' } }),
  );
  return { getter, sa, secret, node, pod };
}
