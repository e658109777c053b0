// The server flag table: commander options, defaults, precedence (flag > command default > DEFAULT_CONFIG)
// and start-up validation, all derived from one definition.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { addServerFlags, SERVER_FLAGS, toConfig } from '../../../src/cli/server-flags.js';
import { DEFAULT_CONFIG } from '../../../src/controlplane/config.js';

const dir = mkdtempSync(join(tmpdir(), 'kauth-flags-'));
const crt = join(dir, 'a.crt');
const key = join(dir, 'a.key');
writeFileSync(crt, 'x');
writeFileSync(key, 'x');

function parse(command: 'up' | 'server', argv: string[]): Record<string, unknown> {
  const cmd = addServerFlags(new Command(command).exitOverride(), command);
  cmd.parse(argv, { from: 'user' });
  return cmd.opts();
}

const base = { tlsCertFile: crt, tlsPrivateKeyFile: key };

describe('server flag table', () => {
  it('names every flag once and every config field once', () => {
    const names = SERVER_FLAGS.map((f) => f.name);
    assert.equal(new Set(names).size, names.length);
    const keys = SERVER_FLAGS.map((f) => f.key);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('falls back to DEFAULT_CONFIG when no flag is given', () => {
    const c = toConfig(parse('up', []), base);
    assert.equal(c.securePort, DEFAULT_CONFIG.securePort);
    assert.deepEqual(c.authorizationMode, ['Node', 'RBAC']);
    assert.deepEqual(c.serviceAccountIssuers, DEFAULT_CONFIG.serviceAccountIssuers);
    assert.equal(c.anonymousAuth, true);
  });

  const cases: [string, string[], (c: ReturnType<typeof toConfig>) => void][] = [
    ['port', ['--secure-port', '7443'], (c) => assert.equal(c.securePort, 7443)],
    ['bool =false', ['--anonymous-auth=false'], (c) => assert.equal(c.anonymousAuth, false)],
    ['bool bare', ['--service-account-lookup'], (c) => assert.equal(c.serviceAccountLookup, true)],
    [
      'list, comma and repeat',
      ['--authorization-mode', 'RBAC,Node', '--authorization-mode', 'Webhook'],
      (c) => assert.deepEqual(c.authorizationMode, ['RBAC', 'Node', 'Webhook']),
    ],
    ['duration', ['--cluster-signing-duration', '24h'], (c) => assert.equal(c.clusterSigningDuration, 86400)],
    [
      'repeatable issuer replaces the default',
      ['--service-account-issuer', 'https://a', '--service-account-issuer', 'https://b'],
      (c) => assert.deepEqual(c.serviceAccountIssuers, ['https://a', 'https://b']),
    ],
  ];
  for (const [name, argv, check] of cases) it(`parses ${name}`, () => check(toConfig(parse('up', argv), base)));

  it('a flag beats the command default, which beats DEFAULT_CONFIG', () => {
    const other = join(dir, 'other.key');
    writeFileSync(other, 'x');
    const withBase = toConfig(parse('up', []), { ...base, serviceAccountKeyFiles: [key] });
    assert.deepEqual(withBase.serviceAccountKeyFiles, [key]);
    const withFlag = toConfig(parse('up', ['--service-account-key-file', other]), {
      ...base,
      serviceAccountKeyFiles: [key],
    });
    assert.deepEqual(withFlag.serviceAccountKeyFiles, [other]);
  });

  const errors: [string, 'up' | 'server', string[], Record<string, unknown>, RegExp][] = [
    [
      'unknown choice',
      'up',
      ['--storage-backend', 'etcd2'],
      base,
      /^--storage-backend: unknown value "etcd2" \(want sqlite or memory or etcd3\)$/,
    ],
    [
      'etcd3 without servers',
      'up',
      ['--storage-backend', 'etcd3'],
      base,
      /^--storage-backend: --etcd-servers must be specified$/,
    ],
    [
      'an etcd server that is not a URL',
      'up',
      ['--etcd-servers', 'http://127.0.0.1:2379,127.0.0.1:2380'],
      base,
      /^--etcd-servers: "127\.0\.0\.1:2380" is not an http\(s\):\/\/host:port URL$/,
    ],
    ['a relative etcd prefix', 'up', ['--etcd-prefix', 'registry'], base, /^--etcd-prefix: must start with \/$/],
    [
      'missing file',
      'up',
      ['--token-auth-file', join(dir, 'nope.csv')],
      base,
      /^--token-auth-file: .*nope\.csv: no such file$/,
    ],
    [
      'missing file in a list',
      'up',
      ['--service-account-key-file', `${key},${join(dir, 'gone.pub')}`],
      base,
      /gone\.pub: no such file$/,
    ],
    ['server without TLS files', 'server', [], {}, /^--tls-cert-file and --tls-private-key-file are required$/],
  ];
  for (const [name, command, argv, b, message] of errors) {
    it(`refuses ${name} with one line`, () => assert.throws(() => toConfig(parse(command, argv), b), { message }));
  }

  it('refuses a malformed value while parsing', () => {
    assert.throws(() => parse('up', ['--secure-port', '70000']), /invalid port "70000"/);
    assert.throws(() => parse('up', ['--cluster-signing-duration', '3 days']), /invalid duration/);
    assert.throws(() => parse('up', ['--anonymous-auth=maybe']), /invalid boolean "maybe"/);
  });

  it('puts server-only flags on `kauth server` alone', () => {
    const up = addServerFlags(new Command('up'), 'up').options.map((o) => o.long);
    const server = addServerFlags(new Command('server'), 'server').options.map((o) => o.long);
    assert.ok(!up.includes('--tls-cert-file'));
    assert.ok(server.includes('--tls-cert-file') && server.includes('--storage-path'));
  });
});
