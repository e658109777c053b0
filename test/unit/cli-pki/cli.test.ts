// The `certs`, `kubeconfig` and `csr` command groups, run as a user runs them: a child process, real files,
// openssl and kubectl to check the results, one-line errors and exit codes for bad input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { KUBECTL, openssl, opensslOk, tempDir } from '../pki/helpers.js';

const here = fileURLToPath(import.meta.url);
// The real CLI: under tsx its TypeScript source, compiled to dist/ its JavaScript.
const harness = here.endsWith('.ts')
  ? ['--import', createRequire(import.meta.url).resolve('tsx'), join(dirname(here), '../../../src/cli/main.ts')]
  : [join(dirname(here), '../../../src/cli/main.js')];

const root = tempDir('kauth-cli-');

interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

function kauth(args: string[], cwd = root): Result {
  const r = spawnSync(process.execPath, [...harness, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A failed command: exit 1, one `error: …` line on stderr, no stack trace. */
function assertOneLineError(r: Result, message: RegExp): void {
  assert.equal(r.status, 1, `expected exit 1, got ${r.status}: ${r.stdout}${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, message);
  assert.doesNotMatch(r.stderr + r.stdout, /^\s+at .*:\d+:\d+\)?$/m);
}

const read = (p: string) => readFileSync(p, 'utf8');
const tree = join(root, 'cluster');
const pki = join(tree, 'pki');
const init = kauth([
  'certs',
  'init',
  '--cert-dir',
  pki,
  '--apiserver-advertise-address',
  '10.1.2.3',
  '--apiserver-cert-extra-sans',
  'extra.example.com',
  '--cert-algorithm',
  'ECDSA-P256',
  '--node-name',
  'node-0',
]);

describe('kauth certs', () => {
  it('init prints kubeadm-style progress and builds the tree', () => {
    assert.equal(init.status, 0, init.stderr);
    for (const line of [
      `[certs] Using certificateDir folder "${pki}"`,
      '[certs] Generating "ca" certificate and key',
      '[certs] apiserver serving cert is signed for DNS names [extra.example.com kubernetes kubernetes.default kubernetes.default.svc kubernetes.default.svc.cluster.local localhost node-0] and IPs [10.96.0.1 10.1.2.3 127.0.0.1]',
      '[certs] Generating "sa" key and public key',
      `[kubeconfig] Using kubeconfig folder "${tree}"`,
      '[kubeconfig] Writing "admin.conf" kubeconfig file',
    ]) {
      assert.ok(init.stdout.includes(`${line}\n`), `missing: ${line}\n${init.stdout}`);
    }
    assert.equal(openssl(['verify', '-CAfile', join(pki, 'ca.crt'), join(pki, 'apiserver.crt')]).status, 0);
    assert.equal(statSync(join(pki, 'ca.key')).mode & 0o777, 0o600);
  });
  it('a second init changes nothing', () => {
    const before = read(join(pki, 'ca.crt')) + read(join(tree, 'admin.conf'));
    const r = kauth([
      'certs',
      'init',
      '--cert-dir',
      pki,
      '--apiserver-advertise-address',
      '10.1.2.3',
      '--node-name',
      'node-0',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Using existing ca certificate authority/);
    assert.match(r.stdout, /Nothing to do: all 16 files are in place/);
    assert.equal(read(join(pki, 'ca.crt')) + read(join(tree, 'admin.conf')), before);
  });
  it('init refuses a garbage CA with one line and writes nothing', () => {
    const bad = join(root, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'ca.crt'), 'garbage\n');
    writeFileSync(join(bad, 'ca.key'), 'garbage\n');
    assertOneLineError(kauth(['certs', 'init', '--cert-dir', bad]), /failure loading ca certificate .*ca\.crt/);
    assert.deepEqual(spawnSync('ls', ['-A', bad], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean), [
      'ca.crt',
      'ca.key',
    ]);
    assert.equal(read(join(bad, 'ca.crt')), 'garbage\n');
  });
  const badFlags: [string[], RegExp][] = [
    [['--cert-algorithm', 'DSA'], /unknown key algorithm "DSA"/],
    [['--apiserver-advertise-address', '1.2.3'], /invalid advertise address/],
    [['--service-cidr', 'x'], /invalid service CIDR/],
    [['--cert-validity-period', '1y'], /invalid duration "1y"/],
  ];
  for (const [flags, message] of badFlags) {
    it(`init ${flags.join(' ')}: one-line error`, () =>
      assertOneLineError(kauth(['certs', 'init', '--cert-dir', join(root, 'never'), ...flags]), message));
  }
  it('check-expiration prints the two tables', () => {
    const r = kauth(['certs', 'check-expiration', '--cert-dir', pki]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^CERTIFICATE {16}EXPIRES {18}RESIDUAL TIME {3}CERTIFICATE AUTHORITY {3}EXTERNALLY MANAGED\n/,
    );
    assert.match(r.stdout, /^apiserver {18}\w{3} \d{2}, \d{4} \d{2}:\d{2} UTC {3}364d {12}ca {22}no {6}$/m);
    assert.match(
      r.stdout,
      /\n\nCERTIFICATE AUTHORITY {3}EXPIRES {18}RESIDUAL TIME {3}EXTERNALLY MANAGED\nca {22}.* {3}9y {14}no/,
    );
  });
  it('renew apiserver and renew all', () => {
    const before = read(join(pki, 'apiserver.crt'));
    const one = kauth(['certs', 'renew', 'apiserver', '--cert-dir', pki]);
    assert.equal(one.status, 0, one.stderr);
    assert.match(one.stdout, /^certificate for serving the Kubernetes API renewed\n/);
    assert.notEqual(read(join(pki, 'apiserver.crt')), before);
    const all = kauth(['certs', 'renew', 'all', '--cert-dir', pki]);
    assert.equal(all.status, 0, all.stderr);
    assert.equal(all.stdout.split('\n').filter((l) => l.endsWith(' renewed')).length, 11);
    assertOneLineError(
      kauth(['certs', 'renew', 'kubelet.conf', '--cert-dir', pki]),
      /unknown certificate "kubelet.conf"/,
    );
  });
  it('ca prints subject, validity, fingerprint and pin', () => {
    const r = kauth(['certs', 'ca', 'ca', '--cert-dir', pki]);
    assert.equal(r.status, 0, r.stderr);
    const fp = opensslOk(['x509', '-in', join(pki, 'ca.crt'), '-noout', '-fingerprint', '-sha256'])
      .trim()
      .split('=')[1]!;
    assert.ok(r.stdout.includes(`SHA-256:        ${fp}`), r.stdout);
    assert.match(r.stdout, /Subject:\s+CN=kubernetes/);
    assert.match(r.stdout, /Public key pin: sha256:[0-9a-f]{64}/);
    assertOneLineError(
      kauth(['certs', 'ca', '--cert-dir', join(root, 'empty')]),
      /does not exist; run "kauth certs init/,
    );
  });
});

describe('kauth kubeconfig user', () => {
  it('prints a kubeconfig kubectl accepts, for the admin.conf server, with a certificate signed by the CA', () => {
    const r = kauth([
      'kubeconfig',
      'user',
      '--client-name',
      'jane',
      '--org',
      'devs',
      '--org',
      'ops',
      '--cert-dir',
      pki,
      '--validity-period',
      '24h',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const file = join(root, 'jane.conf');
    writeFileSync(file, r.stdout);
    const cert = Buffer.from(
      spawnSync(
        KUBECTL,
        ['config', 'view', '--raw', '--kubeconfig', file, '-o', 'jsonpath={.users[0].user.client-certificate-data}'],
        { encoding: 'utf8' },
      ).stdout,
      'base64',
    ).toString();
    assert.equal(openssl(['verify', '-CAfile', join(pki, 'ca.crt')], cert).status, 0);
    assert.match(opensslOk(['x509', '-noout', '-subject'], cert), /subject=O = devs, O = ops, CN = jane/);
    assert.match(opensslOk(['x509', '-noout', '-ext', 'extendedKeyUsage'], cert), /TLS Web Client Authentication/);
    const cfg = parse(r.stdout);
    assert.equal(cfg.clusters[0].cluster.server, 'https://10.1.2.3:6443');
    assert.equal(cfg['current-context'], 'jane@kubernetes');
    const days =
      (new Date(opensslOk(['x509', '-noout', '-enddate'], cert).split('=')[1]!).getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 0.9 && days <= 1, String(days));
  });
  it('--server and --token', () => {
    const r = kauth([
      'kubeconfig',
      'user',
      '--client-name',
      'bot',
      '--token',
      'abc.def',
      '--server',
      'https://127.0.0.1:7443',
      '--cert-dir',
      pki,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const cfg = parse(r.stdout);
    assert.deepEqual(cfg.users[0], { name: 'bot', user: { token: 'abc.def' } });
    assert.equal(cfg.clusters[0].cluster.server, 'https://127.0.0.1:7443');
  });
  it('bad input: one-line errors', () => {
    assertOneLineError(kauth(['kubeconfig', 'user', '--cert-dir', pki]), /--client-name is required/);
    assertOneLineError(
      kauth(['kubeconfig', 'user', '--client-name', 'x', '--cert-dir', join(root, 'nothing', 'pki')]),
      /ca certificate .* does not exist/,
    );
    assertOneLineError(
      kauth(['kubeconfig', 'user', '--client-name', 'x', '--cert-dir', pki, '--validity', '-5h']),
      /invalid duration/,
    );
  });
});

describe('kauth csr', () => {
  const work = join(root, 'csr');
  mkdirSync(work);

  it('create writes the key (0600) and CSR and prints the CertificateSigningRequest of seed 002', () => {
    const r = kauth(['csr', 'create', '--cn', 'jane', '--org', 'devs'], work);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(statSync(join(work, 'jane.key')).mode & 0o777, 0o600);
    assert.equal(statSync(join(work, 'jane.csr')).mode & 0o777, 0o644);
    const m = parse(r.stdout);
    assert.deepEqual(
      { ...m, spec: { ...m.spec, request: '…' } },
      {
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        metadata: { name: 'jane' },
        spec: {
          request: '…',
          signerName: 'kubernetes.io/kube-apiserver-client',
          expirationSeconds: 86400,
          usages: ['client auth'],
        },
      },
    );
    const pem = Buffer.from(m.spec.request, 'base64').toString();
    assert.equal(pem, read(join(work, 'jane.csr')));
    const check = openssl(['req', '-noout', '-verify', '-subject'], pem);
    assert.match(check.stdout + check.stderr, /verify OK/);
    assert.match(check.stdout, /subject=O = devs, CN = jane/);
    assert.equal(
      opensslOk(['pkey', '-in', join(work, 'jane.key'), '-pubout']),
      opensslOk(['req', '-noout', '-pubkey'], pem),
    );
  });
  it('never overwrites unasked; --key reuses an openssl key', () => {
    const before = read(join(work, 'jane.key'));
    assertOneLineError(kauth(['csr', 'create', '--cn', 'jane'], work), /jane\.key already exists; pass --force/);
    assert.equal(read(join(work, 'jane.key')), before);
    writeFileSync(join(work, 'bob.key'), opensslOk(['genrsa', '2048']));
    const r = kauth(
      [
        'csr',
        'create',
        '--cn',
        'bob',
        '--key',
        'bob.key',
        '--usages',
        'digital signature,key encipherment,client auth',
        '--expiration-seconds',
        '0',
      ],
      work,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(parse(r.stdout).spec.expirationSeconds, undefined);
    assert.deepEqual(parse(r.stdout).spec.usages, ['digital signature', 'key encipherment', 'client auth']);
    assert.equal(
      opensslOk(['pkey', '-in', join(work, 'bob.key'), '-pubout']),
      opensslOk(['req', '-noout', '-pubkey', '-in', join(work, 'bob.csr')]),
    );
  });
  const refusals: [string[], RegExp][] = [
    [['--cn', 'root', '--org', 'system:masters', '--name', 'root'], /system:masters group is not allowed/],
    [['--cn', 'k', '--usages', 'server auth', '--name', 'k'], /invalid usage for client certificate: server auth/],
    [['--cn', 'k', '--usages', 'client-auth', '--name', 'k'], /unsupported usage "client-auth"/],
    [['--cn', 'k', '--expiration-seconds', '60', '--name', 'k'], /less than 600 seconds/],
    [['--cn', 'k', '--signer', 'nodomain', '--name', 'k'], /example.com\/signer-name/],
    [['--cn', 'k', '--key-algorithm', 'rsa-512', '--name', 'k'], /unknown key algorithm/],
    [['--org', 'x'], /--cn is required/],
  ];
  for (const [flags, message] of refusals) {
    it(`create ${flags.join(' ')}: refused`, () =>
      assertOneLineError(kauth(['csr', 'create', ...flags], work), message));
  }

  it('sign: a CSR made by openssl req is signed by the cluster CA', () => {
    writeFileSync(join(work, 'web.key'), opensslOk(['ecparam', '-name', 'prime256v1', '-genkey']));
    const csr = join(work, 'web.csr');
    writeFileSync(
      csr,
      opensslOk([
        'req',
        '-new',
        '-key',
        join(work, 'web.key'),
        '-subj',
        '/CN=web/O=qa',
        '-addext',
        'subjectAltName=DNS:web.local,IP:10.0.0.5',
      ]),
    );
    const r = kauth([
      'csr',
      'sign',
      csr,
      '--cert-dir',
      pki,
      '--usages',
      'digital signature,server auth',
      '--out',
      join(work, 'web.crt'),
    ]);
    assert.equal(r.status, 0, r.stderr);
    const crt = join(work, 'web.crt');
    assert.equal(openssl(['verify', '-CAfile', join(pki, 'ca.crt'), crt]).status, 0);
    const t = opensslOk(['x509', '-in', crt, '-noout', '-subject', '-ext', 'subjectAltName,extendedKeyUsage,keyUsage']);
    assert.match(t, /subject=O = qa, CN = web/);
    assert.match(t, /DNS:web.local, IP Address:10.0.0.5/);
    assert.match(t, /TLS Web Server Authentication/);
    assert.match(t, /Digital Signature\n/);
    assertOneLineError(kauth(['csr', 'sign', csr, '--cert-dir', pki, '--out', crt]), /web\.crt already exists/);
  });
  it('sign refuses a tampered CSR, garbage and a missing file', () => {
    const pem = read(join(work, 'web.csr'));
    const body = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    body[body.indexOf('web')] = 'W'.charCodeAt(0);
    const tampered = join(work, 'tampered.csr');
    writeFileSync(
      tampered,
      `-----BEGIN CERTIFICATE REQUEST-----\n${body.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`,
    );
    assertOneLineError(kauth(['csr', 'sign', tampered, '--cert-dir', pki]), /certificate request signature is invalid/);
    writeFileSync(join(work, 'garbage.csr'), 'garbage');
    assertOneLineError(
      kauth(['csr', 'sign', join(work, 'garbage.csr'), '--cert-dir', pki]),
      /expected a PEM "CERTIFICATE REQUEST"/,
    );
    assertOneLineError(
      kauth(['csr', 'sign', join(work, 'absent.csr'), '--cert-dir', pki]),
      /cannot read .*absent\.csr: no such file/,
    );
  });
});
