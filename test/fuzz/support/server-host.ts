// The fuzz suite's server: a real kauth control plane (the kubeadm PKI tree, kubeadm's flags as `kauth up`
// sets them, memory storage) in a child process of the test, so that a crash or a stalled event loop is the
// server's and not the test's. ControlPlane.start's hooks observe it: the request authenticator opens an
// AsyncLocalStorage context per request (keyed by the X-Fuzz-Id header), and every authorizer decision and
// store call made in that context is sent to the test over IPC.
import { AsyncLocalStorage } from 'node:async_hooks';
import net from 'node:net';
import { join } from 'node:path';
import type { Authenticator, AuthRequest } from '../../../src/authn/interfaces.js';
import type { Attributes, Authorizer } from '../../../src/authz/interfaces.js';
import { ensurePkiTree } from '../../../src/pki/kubeadm-tree.js';
import { DEFAULT_CONFIG, type ControlPlaneConfig } from '../../../src/controlplane/config.js';
import { ControlPlane } from '../../../src/controlplane/control-plane.js';
import type { ListOptions, Store, WatchEvent, WatchOptions } from '../../../src/storage/interface.js';
import { FUZZ_ID_HEADER, type HostMessage, type StoreOp, type TestMessage } from './protocol.js';
import type { AuthResponse } from '../../../src/authn/interfaces.js';

interface RequestContext {
  id: string;
  seq: number;
}
const requests = new AsyncLocalStorage<RequestContext | undefined>();

function send(msg: HostMessage): void {
  process.send?.(msg);
}

function observeStore(inner: Store): Store {
  const note = (op: StoreOp, key: string): void => {
    const ctx = requests.getStore();
    if (ctx) send({ t: 'store', id: ctx.id, seq: ctx.seq++, op, key });
  };
  return {
    name: inner.name,
    get: (key: string) => (note('get', key), inner.get(key)),
    list: (prefix: string, opts?: ListOptions) => (note('list', prefix), inner.list(prefix, opts)),
    count: (prefix: string) => (note('count', prefix), inner.count(prefix)),
    create: (key: string, value: string) => (note('create', key), inner.create(key, value)),
    update: (key: string, value: string, rev: number) => (note('update', key), inner.update(key, value, rev)),
    delete: (key: string, rev?: number) => (note('delete', key), inner.delete(key, rev)),
    // What watchers do with an event (informers feeding controllers) is the system's work, not the request's
    // whose write caused it: their callbacks run outside any request context.
    watch: (prefix: string, opts: WatchOptions, onEvent: (ev: WatchEvent) => void, onError?: (err: Error) => void) => {
      note('watch', prefix);
      return inner.watch(
        prefix,
        opts,
        (ev) => requests.exit(() => onEvent(ev)),
        onError && ((err) => requests.exit(() => onError(err))),
      );
    },
    currentRevision: () => inner.currentRevision(),
    compactedRevision: () => inner.compactedRevision(),
    compact: (rev: number) => inner.compact(rev),
    close: () => inner.close(),
  };
}

function observeAuthorizer(inner: Authorizer): Authorizer {
  return {
    name: inner.name,
    async authorize(attrs: Attributes) {
      const result = await inner.authorize(attrs);
      const ctx = requests.getStore();
      if (ctx) {
        const { user, ...rest } = attrs;
        send({
          t: 'authz',
          id: ctx.id,
          seq: ctx.seq++,
          attrs: { ...rest, user: user.username, groups: user.groups },
          decision: result.decision,
        });
      }
      return result;
    },
  };
}

function observeAuthenticator(inner: Authenticator): Authenticator {
  return {
    name: inner.name,
    // Not async: enterWith must run in the caller's synchronous turn, so that the rest of the request (which
    // continues after the caller's await) stays in this context. A request without an id clears the context
    // (a kept-alive connection would otherwise carry the previous request's).
    authenticate(req: AuthRequest) {
      const id = req.headers[FUZZ_ID_HEADER];
      const ctx = typeof id === 'string' ? { id, seq: 0 } : undefined;
      requests.enterWith(ctx);
      const answered = (r: AuthResponse | null): void => {
        if (ctx) send({ t: 'authn', id: ctx.id, seq: ctx.seq++, user: r?.user.username, groups: r?.user.groups });
      };
      return inner.authenticate(req).then(
        (r) => (answered(r), r),
        (e: unknown) => {
          answered(null);
          throw e;
        },
      );
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: server-host <dir>');
  const pki = join(dir, 'pki');
  const port = await freePort();
  await ensurePkiTree({
    certDir: pki,
    kubeconfigDir: dir,
    algorithm: 'ECDSA-P256',
    advertiseAddress: '127.0.0.1',
    controlPlaneEndpoint: `https://127.0.0.1:${port}`,
  });
  // What `kauth up` configures (src/cli/up.ts), on memory storage.
  const config: ControlPlaneConfig = {
    ...DEFAULT_CONFIG,
    securePort: port,
    storageBackend: 'memory',
    tlsCertFile: join(pki, 'apiserver.crt'),
    tlsPrivateKeyFile: join(pki, 'apiserver.key'),
    clientCaFile: join(pki, 'ca.crt'),
    serviceAccountKeyFiles: [join(pki, 'sa.pub')],
    serviceAccountSigningKeyFile: join(pki, 'sa.key'),
    clusterSigningCertFile: join(pki, 'ca.crt'),
    clusterSigningKeyFile: join(pki, 'ca.key'),
    requestheaderClientCaFile: join(pki, 'front-proxy-ca.crt'),
    requestheaderAllowedNames: ['front-proxy-client'],
    requestheaderUsernameHeaders: ['X-Remote-User'],
    requestheaderGroupHeaders: ['X-Remote-Group'],
    requestheaderExtraHeadersPrefix: ['X-Remote-Extra-'],
    enableAdmissionPlugins: ['NodeRestriction'],
    shutdownGraceMs: 500,
  };
  const cp = await ControlPlane.start(config, {
    wrapStore: observeStore,
    wrapAuthorizer: observeAuthorizer,
    wrapAuthenticator: observeAuthenticator,
  });
  await cp.settle();
  process.on('message', (m: TestMessage) => {
    if (m.t === 'flush') send({ t: 'flushed', n: m.n });
    if (m.t === 'stop') void cp.stop().finally(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
  const defs = cp.objects.defs.map((d) => ({
    group: d.group,
    version: d.version,
    resource: d.resource,
    namespaced: d.namespaced,
    subresources: Object.keys(d.subresources ?? {}),
  }));
  send({ t: 'ready', port: cp.address.port, dir, defs });
}

main().catch((e: Error) => {
  send({ t: 'failed', error: e.stack ?? String(e) });
  process.exit(1);
});
