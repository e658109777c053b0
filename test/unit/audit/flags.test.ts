// The audit flags in the one flag table: kube-apiserver's names and defaults, and start-up refusals as one line
// (AuditLogOptions.Validate's negative-number texts, the policy file's field errors).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CliError } from '../../../src/cli/errors.js';
import { toConfig } from '../../../src/cli/server-flags.js';

const tls = { tlsCertFile: 'package.json', tlsPrivateKeyFile: 'package.json' };

test("defaults are kube-apiserver's", () => {
  const c = toConfig({}, tls);
  assert.equal(c.auditPolicyFile, undefined);
  assert.deepEqual([c.auditLogMaxage, c.auditLogMaxbackup, c.auditLogMaxsize, c.auditLogFormat], [0, 0, 0, 'json']);
  assert.deepEqual(
    [
      c.auditWebhookBatchMaxSize,
      c.auditWebhookBatchMaxWait,
      c.auditWebhookBatchBufferSize,
      c.auditWebhookInitialBackoff,
    ],
    [400, 30, 10000, 10],
  );
});

test('bad values stop the start with one line naming the flag', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-flags-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Loud\n');
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n');
  const cases: [opts: Record<string, unknown>, message: string | RegExp][] = [
    [{ auditLogMaxage: -1 }, "--audit-log-maxage: -1 can't be a negative number"],
    [{ auditLogMaxbackup: -2 }, "--audit-log-maxbackup: -2 can't be a negative number"],
    [{ auditLogMaxsize: -3 }, "--audit-log-maxsize: -3 can't be a negative number"],
    [{ auditLogFormat: 'legacy' }, '--audit-log-format: invalid audit log format legacy, allowed formats are "json"'],
    [{ auditWebhookBatchMaxSize: 0 }, '--audit-webhook-batch-max-size: 0 must be positive'],
    [{ auditPolicyFile: join(dir, 'missing.yaml') }, /^--audit-policy-file: .*missing\.yaml: no such file$/],
    [
      { auditPolicyFile: bad },
      /^--audit-policy-file: invalid audit policy in ".*bad\.yaml": rules\[0\]\.level: Unsupported value: "Loud"/,
    ],
  ];
  for (const [opts, message] of cases) {
    assert.throws(
      () => toConfig(opts, tls),
      (e: Error) => {
        assert.ok(e instanceof CliError);
        if (typeof message === 'string') assert.equal(e.message, message);
        else assert.match(e.message, message);
        assert.ok(!e.message.includes('\n'));
        return true;
      },
    );
  }
  assert.equal(toConfig({ auditPolicyFile: good, auditLogPath: '-' }, tls).auditPolicyFile, good);
});
