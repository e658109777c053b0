import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { CliError } from '../../../src/cli/errors.js';
import { describeToken, registerTokenCommands, relativeTime, verifyTokenOffline } from '../../../src/cli/token.js';
import { parsePublicKeysPem, toPublicKeyEntry } from '../../../src/serviceaccount/keys.js';
import { newRsaSigningKey } from './fixtures.js';

const SEED = readFileSync('/work/shared/seeds/000_2730a278d3b620dc.txt', 'utf8');
const TOKEN = SEED.match(/eyJhbGciOiJSUzI1NiIs[\w.-]+/)![0];
const PUB = SEED.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/)![0];
const KEYS = parsePublicKeysPem(PUB).map(toPublicKeyEntry);
const ISSUED = new Date(1725328018 * 1000 + 5000); // five seconds after the seed token was issued
const dir = mkdtempSync(join(tmpdir(), 'kauth-cli-token-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('kauth token decode', () => {
  test('prints header, claims and the times in words', () => {
    const out = describeToken(TOKEN, ISSUED);
    assert.match(
      out,
      /^Header:\n\{\n {2}"alg": "RS256",\n {2}"kid": "D4fFYKkTjHOgpprBwxXmm6DMc1CG_r_LF-Rp3aygv4s"\n\}\nClaims:\n/,
    );
    assert.match(out, /"sub": "system:serviceaccount:default:default"/);
    assert.match(out, /\n {2}iat {7}2024-09-03T01:46:58Z \(5s ago\)/);
    assert.match(out, /\n {2}exp {7}2025-09-03T01:46:58Z \(in 364d23h\)/);
    assert.match(out, /\n {2}warnafter 2024-09-03T02:47:05Z \(in 1h2s\)/);
  });
  test('not a JWT → one-line CliError', () => {
    assert.throws(
      () => describeToken('hello'),
      (e: Error) => e instanceof CliError && /^not a JWT/.test(e.message),
    );
  });
  test('relativeTime', () => {
    const now = new Date(0);
    assert.equal(relativeTime(90, now), 'in 1m30s');
    assert.equal(relativeTime(-3 * 86400 - 7200, now), '3d2h ago');
    assert.equal(relativeTime(0, now), 'in 0s');
  });
});

describe('kauth token verify', () => {
  const cases: { name: string; opts: Partial<Parameters<typeof verifyTokenOffline>[1]>; ok?: RegExp; err?: RegExp }[] =
    [
      {
        name: 'the seed token against the seed sa.pub, when it was fresh',
        opts: {},
        ok: /^valid: system:serviceaccount:default:default \(bound token, expires 2025-09-03T01:46:58Z, kid D4fF/,
      },
      {
        name: 'with the right issuer and audience',
        opts: {
          issuer: 'https://kubernetes.default.svc.cluster.local',
          audience: 'https://kubernetes.default.svc.cluster.local',
        },
        ok: /^valid:/,
      },
      {
        name: 'a year and a day later',
        opts: { now: new Date(1756864018 * 1000 + 86400_000) },
        err: /^service account token has expired$/,
      },
      {
        name: 'another issuer expected',
        opts: { issuer: 'https://example.com' },
        err: /^token issuer "https:\/\/kubernetes.default.svc.cluster.local" is not "https:\/\/example.com"$/,
      },
      {
        name: 'another audience expected',
        opts: { audience: 'vault' },
        err: /^token audiences \["https:\/\/kubernetes.default.svc.cluster.local"\] is invalid for the target audiences \["vault"\]$/,
      },
      {
        name: "another cluster's key",
        opts: { keys: [newRsaSigningKey()] },
        err: /^invalid signature, no keys found$/,
      },
    ];
  for (const c of cases) {
    test(c.name, () => {
      const run = () => verifyTokenOffline(TOKEN, { keys: KEYS, now: ISSUED, ...c.opts });
      if (c.ok) assert.match(run(), c.ok);
      else assert.throws(run, (e: Error) => e instanceof CliError && c.err!.test(e.message));
    });
  }
  test('a tampered token', () => {
    const [h, p, s] = TOKEN.split('.');
    const evil = Buffer.from(
      Buffer.from(p!, 'base64url').toString().replace('default:default', 'kube-system:admin'),
    ).toString('base64url');
    assert.throws(
      () => verifyTokenOffline(`${h}.${evil}.${s}`, { keys: KEYS, now: ISSUED }),
      /error in cryptographic primitive/,
    );
  });

  test('registered as `kauth token verify <token> --key sa.pub`', async () => {
    writeFileSync(join(dir, 'sa.pub'), PUB);
    const program = new Command('kauth').exitOverride();
    registerTokenCommands(program);
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      out += chunk;
      return true;
    }) as typeof process.stdout.write;
    try {
      await assert.rejects(
        program.parseAsync(['node', 'kauth', 'token', 'verify', TOKEN, '--key', join(dir, 'sa.pub')]),
        /service account token has expired/,
      );
      await program.parseAsync(['node', 'kauth', 'token', 'decode', TOKEN]);
    } finally {
      process.stdout.write = write;
    }
    assert.match(out, /"namespace": "default"/);
  });
});
