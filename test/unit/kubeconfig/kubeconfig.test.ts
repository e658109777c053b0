import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import {
  buildKubeconfig,
  KubeconfigError,
  kubeconfigPaths,
  loadKubeconfig,
  loadKubeconfigFromEnv,
  mergeKubeconfigs,
  parseKubeconfig,
  resolveClusterCredentials,
  serializeKubeconfig,
  setKubeconfigServer,
  writeKubeconfig,
  type Kubeconfig,
} from '../../../src/kubeconfig/index.js';
import { KUBECTL, tempDir } from '../pki/helpers.js';

const dir = tempDir('kauth-kubeconfig-');
const CA = '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN EC PRIVATE KEY-----\nS0VZ\n-----END EC PRIVATE KEY-----\n';
const b64 = (s: string) => Buffer.from(s).toString('base64');

function file(rel: string, content: string): string {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, content);
  return p;
}

function kubectl(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(KUBECTL, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('parseKubeconfig', () => {
  const yaml = `apiVersion: v1
kind: Config
clusters:
- name: kind
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: ${b64(CA)}
users:
- name: admin
  user:
    token: abc
contexts:
- name: kind-admin
  context: {cluster: kind, user: admin, namespace: dev}
current-context: kind-admin
`;
  it('reads YAML and the equivalent JSON alike', () => {
    const a = parseKubeconfig(yaml);
    const b = parseKubeconfig(JSON.stringify(a));
    assert.deepEqual(a, b);
    assert.equal(a['current-context'], 'kind-admin');
    assert.equal(a.contexts[0]!.context.namespace, 'dev');
  });
  it('treats an empty file as an empty config, as clientcmd does', () => {
    assert.deepEqual(parseKubeconfig('').clusters, []);
    assert.deepEqual(parseKubeconfig('# nothing\n').users, []);
  });
  const bad: [string, string, RegExp][] = [
    ['a list', '- a\n- b\n', /must be a mapping, not a list/],
    ['clusters that are not a list', 'clusters: {a: 1}\n', /"clusters" must be a list/],
    ['an entry without a name', 'users:\n- user: {token: x}\n', /users\[0\] must have a non-empty "name"/],
    [
      'a duplicate name',
      'contexts:\n- name: x\n  context: {cluster: a}\n- name: x\n  context: {cluster: b}\n',
      /duplicate name "x" in contexts/,
    ],
    ['another kind', 'kind: Pod\n', /kind "Pod" is not a kubeconfig/],
    ['broken YAML', 'clusters: [\n', /not valid YAML or JSON/],
  ];
  for (const [name, text, message] of bad) {
    it(`refuses ${name} with a one-line KubeconfigError`, () => {
      assert.throws(
        () => parseKubeconfig(text, '/x/config'),
        (e: unknown) =>
          e instanceof KubeconfigError &&
          message.test(e.message) &&
          e.message.startsWith('/x/config') &&
          !e.message.includes('\n'),
      );
    });
  }
  it('reports a missing file', () => assert.throws(() => loadKubeconfig(join(dir, 'nope')), /does not exist/));
});

describe('mergeKubeconfigs: KUBECONFIG list semantics', () => {
  const one = file(
    'one/config',
    `clusters:
- name: shared
  cluster: {server: https://one:6443, certificate-authority: ca.crt}
- name: only-one
  cluster: {server: https://only-one:6443}
users:
- name: u
  user: {client-certificate: certs/u.crt, client-key: /abs/u.key, exec: {command: ./bin/plugin, apiVersion: client.authentication.k8s.io/v1}}
contexts:
- name: c1
  context: {cluster: shared, user: u}
current-context: ""
preferences: {colors: true}
`,
  );
  const two = file(
    'two/config',
    `clusters:
- name: shared
  cluster: {server: https://two:6443}
- name: only-two
  cluster: {server: https://only-two:6443}
users:
- name: u
  user: {token: from-two}
- name: v
  user: {tokenFile: ../token, exec: {command: kubectl-oidc}}
contexts:
- name: c2
  context: {cluster: only-two, user: v}
current-context: c2
preferences: {colors: false, extensions: []}
`,
  );
  const merged = mergeKubeconfigs([loadKubeconfig(one), loadKubeconfig(two)]);

  it('merges named entries by name; the first file to define a name wins', () => {
    assert.deepEqual(
      merged.clusters.map((c) => [c.name, c.cluster.server]),
      [
        ['shared', 'https://one:6443'],
        ['only-one', 'https://only-one:6443'],
        ['only-two', 'https://only-two:6443'],
      ],
    );
    assert.deepEqual(
      merged.users.map((u) => u.name),
      ['u', 'v'],
    );
    assert.equal(merged.users[0]!.user.token, undefined);
    assert.deepEqual(
      merged.contexts.map((c) => c.name),
      ['c1', 'c2'],
    );
  });
  it('takes single values from the first file that sets them (an empty current-context is unset)', () => {
    assert.equal(merged['current-context'], 'c2');
    assert.equal(merged.preferences!.colors, true);
    const reversed = mergeKubeconfigs([loadKubeconfig(two), loadKubeconfig(one)]);
    assert.equal(reversed['current-context'], 'c2');
    assert.equal(reversed.clusters[0]!.cluster.server, 'https://two:6443');
  });
  it("resolves relative paths against each file's own directory", () => {
    assert.equal(merged.clusters[0]!.cluster['certificate-authority'], join(dir, 'one', 'ca.crt'));
    const u = merged.users[0]!.user;
    assert.equal(u['client-certificate'], join(dir, 'one', 'certs', 'u.crt'));
    assert.equal(u['client-key'], '/abs/u.key');
    assert.equal(u.exec!.command, join(dir, 'one', 'bin', 'plugin'));
    const v = merged.users[1]!.user;
    assert.equal(v.tokenFile, join(dir, 'token'));
    assert.equal(v.exec!.command, 'kubectl-oidc'); // a PATH lookup, not a path
  });
  it('agrees with kubectl on the merged clusters, users, contexts and current-context', () => {
    const view = JSON.parse(
      kubectl(['config', 'view', '-o', 'json'], { KUBECONFIG: [one, two].join(delimiter) }),
    ) as Kubeconfig;
    const names = (l: { name: string }[]) => l.map((x) => x.name).sort();
    assert.deepEqual(names(view.clusters), names(merged.clusters));
    assert.deepEqual(names(view.users), names(merged.users));
    assert.equal(view['current-context'], merged['current-context']);
    assert.equal(view.clusters.find((c) => c.name === 'shared')!.cluster.server, 'https://one:6443');
  });
  it('loadKubeconfigFromEnv skips missing files, reads each path once, and fails on a broken file', () => {
    const env = [one, join(dir, 'missing'), '', two, one].join(delimiter);
    assert.deepEqual(kubeconfigPaths(env), [one, join(dir, 'missing'), two]);
    assert.deepEqual(
      loadKubeconfigFromEnv(env).clusters.map((c) => c.name),
      ['shared', 'only-one', 'only-two'],
    );
    const broken = file('broken/config', 'clusters: 5\n');
    assert.throws(() => loadKubeconfigFromEnv([one, broken].join(delimiter)), /"clusters" must be a list/);
  });
});

describe('buildKubeconfig and writeKubeconfig', () => {
  it('writes a 0600 YAML file in kubectl key order that kubectl reads back', () => {
    const cfg = buildKubeconfig({
      clusterName: 'kubernetes',
      server: 'https://127.0.0.1:6443',
      caPem: CA,
      userName: 'jane',
      clientCertPem: CERT,
      clientKeyPem: KEY,
    });
    const path = join(dir, 'out', 'jane.conf');
    writeKubeconfig(path, cfg);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const text = readFileSync(path, 'utf8');
    assert.deepEqual(
      text
        .split('\n')
        .filter((l) => /^[a-z]/.test(l))
        .map((l) => l.split(':')[0]),
      ['apiVersion', 'clusters', 'contexts', 'current-context', 'kind', 'preferences', 'users'],
    );
    assert.match(text, /^clusters:\n- cluster:\n    certificate-authority-data: /m);
    assert.equal(
      kubectl(['config', 'view', '--raw', '--kubeconfig', path, '-o', 'jsonpath={.users[0].user.client-key-data}']),
      b64(KEY),
    );
    assert.equal(kubectl(['config', 'current-context', '--kubeconfig', path]).trim(), 'jane@kubernetes');
    assert.deepEqual(loadKubeconfig(path).users, cfg.users);
    assert.throws(() => writeKubeconfig(path, cfg, { overwrite: false }), /already exists/);
  });
  it('builds a token kubeconfig and refuses a certificate without its key', () => {
    const cfg = buildKubeconfig({
      clusterName: 'c',
      server: 'https://s',
      caPem: CA,
      userName: 'bot',
      token: 't0k',
      contextName: 'ctx',
    });
    assert.equal(cfg['current-context'], 'ctx');
    assert.deepEqual(cfg.users[0]!.user, { token: 't0k' });
    assert.throws(
      () => buildKubeconfig({ clusterName: 'c', server: 'https://s', caPem: CA, userName: 'x', clientCertPem: CERT }),
      /give both or neither/,
    );
    assert.match(serializeKubeconfig(cfg), /^apiVersion: v1\n/);
  });
});

describe('resolveClusterCredentials', () => {
  const ca = file('creds/pki/ca.crt', CA);
  file('creds/pki/u.crt', CERT);
  file('creds/pki/u.key', KEY);
  file('creds/token', 'file-token\n');
  const cfgPath = file(
    'creds/config',
    `clusters:
- name: files
  cluster: {server: https://files:6443, certificate-authority: pki/ca.crt, tls-server-name: api.internal}
- name: data
  cluster: {server: https://data:6443, certificate-authority-data: ${b64(CA)}, certificate-authority: /nope}
- name: insecure
  cluster: {server: https://insecure:6443, insecure-skip-tls-verify: true}
- name: noserver
  cluster: {}
users:
- name: certfiles
  user: {client-certificate: pki/u.crt, client-key: pki/u.key}
- name: certdata
  user: {client-certificate-data: ${b64(CERT)}, client-key-data: ${b64(KEY)}}
- name: tokenfile
  user: {tokenFile: token}
- name: both
  user: {token: inline, tokenFile: token}
- name: halfcert
  user: {client-certificate-data: ${b64(CERT)}}
- name: badb64
  user: {client-certificate-data: "@@@", client-key-data: "@@@"}
contexts:
- {name: files, context: {cluster: files, user: certfiles, namespace: ns1}}
- {name: data, context: {cluster: data, user: certdata}}
- {name: tokenfile, context: {cluster: insecure, user: tokenfile}}
- {name: both, context: {cluster: data, user: both}}
- {name: anonymous, context: {cluster: data}}
- {name: halfcert, context: {cluster: data, user: halfcert}}
- {name: badb64, context: {cluster: data, user: badb64}}
- {name: nocluster, context: {cluster: ghost, user: certdata}}
- {name: nouser, context: {cluster: data, user: ghost}}
- {name: noserver, context: {cluster: noserver, user: certdata}}
current-context: files
`,
  );
  const cfg = loadKubeconfig(cfgPath);

  const ok: { ctx?: string; want: Record<string, unknown> }[] = [
    {
      want: {
        contextName: 'files',
        server: 'https://files:6443',
        caPem: CA,
        clientCertPem: CERT,
        clientKeyPem: KEY,
        namespace: 'ns1',
        tlsServerName: 'api.internal',
      },
    },
    {
      ctx: 'data',
      want: { server: 'https://data:6443', caPem: CA, clientCertPem: CERT, clientKeyPem: KEY, userName: 'certdata' },
    },
    { ctx: 'tokenfile', want: { token: 'file-token', insecureSkipTlsVerify: true, caPem: undefined } },
    { ctx: 'both', want: { token: 'inline' } },
    { ctx: 'anonymous', want: { userName: '', token: undefined, clientCertPem: undefined } },
  ];
  for (const c of ok) {
    it(`context ${c.ctx ?? '(current)'}`, () => {
      const creds = resolveClusterCredentials(cfg, c.ctx) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(creds[k], v, k);
    });
  }
  const errors: [string, RegExp][] = [
    ['halfcert', /has a client certificate without a key/],
    ['badb64', /client-certificate-data is not valid base64/],
    ['nocluster', /refers to cluster "ghost", which does not exist/],
    ['nouser', /refers to user "ghost", which does not exist/],
    ['noserver', /cluster "noserver" has no server defined/],
    ['missing', /context "missing" does not exist/],
  ];
  for (const [ctx, message] of errors) {
    it(`context ${ctx}: ${message.source}`, () =>
      assert.throws(
        () => resolveClusterCredentials(cfg, ctx),
        (e: unknown) => e instanceof KubeconfigError && message.test(e.message),
      ));
  }
  it('needs a context when current-context is unset, and reports unreadable files', () => {
    assert.throws(() => resolveClusterCredentials(parseKubeconfig('clusters: []\n')), /current-context is not set/);
    const moved = parseKubeconfig(readFileSync(cfgPath, 'utf8'), join(dir, 'elsewhere', 'config'));
    assert.throws(
      () => resolveClusterCredentials(moved),
      /cannot read client-certificate .*elsewhere\/pki\/u\.crt: no such file/,
    );
    assert.ok(ca);
  });
});

describe('setKubeconfigServer', () => {
  it('keeps comments and everything else; works without current-context when there is one cluster', () => {
    const p = file(
      'edit/config',
      '# managed by kauth\nclusters:\n- name: only\n  cluster:\n    server: https://old:6443 # old port\nusers: []\ncontexts: []\n',
    );
    assert.equal(setKubeconfigServer(p, 'https://127.0.0.1:7443'), true);
    assert.equal(
      readFileSync(p, 'utf8'),
      '# managed by kauth\nclusters:\n- name: only\n  cluster:\n    server: https://127.0.0.1:7443 # old port\nusers: []\ncontexts: []\n',
    );
  });
  it('refuses a context that does not exist', () => {
    const p = file('edit2/config', 'clusters: []\ncontexts: []\ncurrent-context: gone\n');
    assert.throws(() => setKubeconfigServer(p, 'https://x'), /context "gone" does not exist/);
  });
});
