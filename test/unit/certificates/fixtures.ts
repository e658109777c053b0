// Shared by the certificates tests: openssl-made keys, CSRs and CAs in a temp dir, CSR objects, a fake
// Authorizer, a memory-backed ObjectStore, and a tiny harness that drives the real RestHandler.
import { FakeResponse } from '../registry/harness.js';
import { execFileSync } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { AdmissionChain, type AdmissionPlugin } from '../../../src/admission/interface.js';
import { StatusError } from '../../../src/api/errors.js';
import type { KubeObject } from '../../../src/api/types.js';
import type { UserInfo } from '../../../src/authn/interfaces.js';
import type { Attributes, AuthorizationResult, Authorizer } from '../../../src/authz/interfaces.js';
import { ObjectStore } from '../../../src/registry/object-store.js';
import { certificateSigningRequests, type CsrCondition } from '../../../src/registry/resources/certificates.js';
import { RestHandler } from '../../../src/registry/rest.js';
import type { RequestContext } from '../../../src/registry/types.js';
import { parseRequestInfo } from '../../../src/server/requestinfo.js';
import { MemoryStore } from '../../../src/storage/memory.js';

export const OPENSSL = '/usr/bin/openssl';

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kauth-csr-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function openssl(args: string[], input?: string): string {
  return execFileSync(OPENSSL, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

let seq = 0;
// Made at import time so that its clean-up hook belongs to the file, not to whichever suite first needs it.
const sharedDir = tempDir();
const dir = (): string => sharedDir;

export type KeyKind = 'rsa' | 'ec';

/** A private key made by openssl (`genrsa 2048` or `ecparam prime256v1`); returns its path. */
export function opensslKey(kind: KeyKind): string {
  const path = join(dir(), `key-${++seq}.pem`);
  if (kind === 'rsa') openssl(['genrsa', '-out', path, '2048']);
  else openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path]);
  return path;
}

const keyCache = new Map<KeyKind, string>();
/** One key per kind for the whole file: most tests only care about the CSR's contents. */
export function sharedKey(kind: KeyKind): string {
  let k = keyCache.get(kind);
  if (!k) keyCache.set(kind, (k = opensslKey(kind)));
  return k;
}

/** `openssl req -new -subj SUBJ [-addext subjectAltName=SANS]`: a CSR PEM. */
export function opensslCsr(subj: string, opts: { key?: string; kind?: KeyKind; sans?: string } = {}): string {
  const key = opts.key ?? sharedKey(opts.kind ?? 'ec');
  const args = ['req', '-new', '-key', key, '-subj', subj];
  if (opts.sans) args.push('-addext', `subjectAltName=${opts.sans}`);
  return openssl(args);
}

/** A self-signed CA made by openssl; returns the file paths. */
export function opensslCa(kind: KeyKind, days = 3650): { certFile: string; keyFile: string } {
  const keyFile = opensslKey(kind);
  const certFile = join(dir(), `ca-${++seq}.crt`);
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    keyFile,
    '-subj',
    '/CN=kauth-test-ca',
    '-days',
    String(days),
    '-out',
    certFile,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign',
  ]);
  return { certFile, keyFile };
}

export function writeTemp(name: string, content: string): string {
  const p = join(dir(), `${++seq}-${name}`);
  writeFileSync(p, content);
  return p;
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

export const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

export interface CsrFixture {
  name?: string;
  request?: string;
  signerName?: string;
  usages?: string[];
  expirationSeconds?: number;
  username?: string;
  groups?: string[];
  uid?: string;
  conditions?: CsrCondition[];
  certificate?: string;
}

/** A stored-shape CSR object (request/certificate given as PEM text, stored as base64). */
export function csrObject(f: CsrFixture = {}): KubeObject {
  const spec: Record<string, unknown> = {
    request: b64(f.request ?? opensslCsr('/CN=jane')),
    signerName: f.signerName ?? 'kubernetes.io/kube-apiserver-client',
    usages: f.usages ?? ['client auth'],
  };
  if (f.expirationSeconds !== undefined) spec.expirationSeconds = f.expirationSeconds;
  if (f.username !== undefined) spec.username = f.username;
  if (f.groups !== undefined) spec.groups = f.groups;
  if (f.uid !== undefined) spec.uid = f.uid;
  const status: Record<string, unknown> = {};
  if (f.conditions) status.conditions = f.conditions;
  if (f.certificate) status.certificate = b64(f.certificate);
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name: f.name ?? 'jane' },
    spec,
    status,
  };
}

export const cond = (type: string, extra: Partial<CsrCondition> = {}): CsrCondition => ({
  type,
  status: 'True',
  reason: `Test${type}`,
  message: 'test',
  ...extra,
});

export const ADMIN: UserInfo = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

export function ctxFor(user: UserInfo = ADMIN, subresource = '', verb = 'create'): RequestContext {
  return {
    user,
    dryRun: false,
    query: new URLSearchParams(),
    info: {
      isResourceRequest: true,
      path: '',
      verb,
      apiPrefix: 'apis',
      apiGroup: 'certificates.k8s.io',
      apiVersion: 'v1',
      namespace: '',
      resource: 'certificatesigningrequests',
      subresource,
      name: '',
      parts: [],
    },
  };
}

/** Allows exactly what `allow` says yes to; records every call. */
export class FakeAuthorizer implements Authorizer {
  readonly name = 'fake';
  readonly calls: Attributes[] = [];
  constructor(private readonly allow: (a: Attributes) => boolean | AuthorizationResult) {}
  async authorize(a: Attributes): Promise<AuthorizationResult> {
    this.calls.push(a);
    const r = this.allow(a);
    if (typeof r === 'object') return r;
    return { decision: r ? 'Allow' : 'NoOpinion', reason: '' };
  }
}

export function memoryObjects(): ObjectStore {
  return new ObjectStore(new MemoryStore(), [certificateSigningRequests]);
}

export interface RestResult {
  code: number;
  body: Record<string, unknown>;
}

/** Serves requests through the real RestHandler (strategy, admission, storage) without HTTP. */
export class RestHarness {
  readonly objects = memoryObjects();
  private readonly rest: RestHandler;

  constructor(plugins: AdmissionPlugin[] = []) {
    this.rest = new RestHandler(this.objects, new AdmissionChain(plugins));
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    user: UserInfo = ADMIN,
    opts: { contentType?: string; accept?: string } = {},
  ): Promise<RestResult> {
    const url = new URL(path, 'https://kauth.test');
    const info = parseRequestInfo(method, url.pathname, url.searchParams);
    const req = {
      method,
      url: path,
      headers: { 'content-type': opts.contentType ?? 'application/json', accept: opts.accept ?? 'application/json' },
    } as unknown as IncomingMessage;
    const fake = new FakeResponse();
    const res = fake as unknown as ServerResponse;
    try {
      await this.rest.serve({
        req,
        res,
        def: certificateSigningRequests,
        ctx: { user, info, dryRun: false, query: url.searchParams },
        body: body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
      });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      return { code: e.code, body: e.toStatus() as unknown as Record<string, unknown> };
    }
    const text = fake.chunks.join('');
    return { code: fake.statusCode, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
}
