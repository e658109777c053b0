// batch/v1 Jobs and CronJobs through the real RestHandler: SetDefaults_Job/CronJob, the generated selector,
// the main validation rules, and printJob/printCronJob's columns.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Api } from './harness.js';
import { builtinApi, table } from './builtin-harness.js';
import { cronScheduleError } from '../../../src/registry/resources/batch.js';

const BATCH = '/apis/batch/v1/namespaces/demo';
const podTemplate = (restartPolicy = 'Never') => ({
  spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox' }] },
});
const job = (name: string, spec: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: { template: podTemplate(), ...spec },
});
const cron = (name: string, spec: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: podTemplate('OnFailure') } }, ...spec },
});

let api: Api;
beforeEach(async () => {
  api = builtinApi();
  await api.namespace('demo');
});

describe('jobs', () => {
  it('defaults: backoffLimit 6, completions and parallelism 1, NonIndexed; a selector on the uid', async () => {
    const o = await api.ok('POST', `${BATCH}/jobs`, job('j'));
    const s = o.spec;
    assert.deepEqual(
      [s.backoffLimit, s.completions, s.parallelism, s.completionMode, s.suspend, s.podReplacementPolicy],
      [6, 1, 1, 'NonIndexed', false, 'TerminatingOrFailed'],
    );
    assert.deepEqual(s.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': o.metadata.uid } });
    const labels = s.template.metadata.labels;
    assert.deepEqual(
      [labels['batch.kubernetes.io/job-name'], labels['job-name'], labels['controller-uid']],
      ['j', 'j', o.metadata.uid],
    );
  });

  it('parallelism alone leaves completions unset', async () => {
    const o = await api.ok('POST', `${BATCH}/jobs`, job('j', { parallelism: 3 }));
    assert.deepEqual([o.spec.completions, o.spec.parallelism], [undefined, 3]);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    [
      'restartPolicy Always',
      job('j', { template: podTemplate('Always') }),
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ],
    [
      'negative backoffLimit',
      job('j', { backoffLimit: -1 }),
      'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'Indexed without completions',
      job('j', { completionMode: 'Indexed', parallelism: 2 }),
      'spec.completions: Required value: when completion mode is Indexed',
    ],
    [
      'a template without containers',
      job('j', { template: { spec: { restartPolicy: 'Never' } } }),
      'spec.template.spec.containers: Required value',
    ],
  ];
  for (const [what, body, text] of invalid) {
    it(`refuses ${what}`, async () => {
      const r = await api.call('POST', `${BATCH}/jobs`, body);
      assert.equal(r.code, 422, r.text);
      assert.ok(r.body.message.includes(text), r.body.message);
    });
  }

  it('the template is immutable unless the job is suspended', async () => {
    const o = await api.ok('POST', `${BATCH}/jobs`, job('j'));
    o.spec.template.spec.containers[0].image = 'other';
    assert.equal((await api.call('PUT', `${BATCH}/jobs/j`, o)).code, 422);
  });

  it('table: NAME STATUS COMPLETIONS DURATION AGE; Complete once the condition is there', async () => {
    const o = await api.ok('POST', `${BATCH}/jobs`, job('j'));
    let t = await table(api, `${BATCH}/jobs`);
    assert.deepEqual(t.columns, [
      'Name',
      'Status',
      'Completions',
      'Duration',
      'Age',
      'Containers',
      'Images',
      'Selector',
    ]);
    assert.deepEqual([t.rows[0]!.Status, t.rows[0]!.Completions, t.rows[0]!.Duration], ['Running', '0/1', '']);
    o.status = {
      succeeded: 1,
      startTime: '2026-01-01T00:00:00Z',
      completionTime: '2026-01-01T00:01:05Z',
      conditions: [{ type: 'Complete', status: 'True' }],
    };
    await api.ok('PUT', `${BATCH}/jobs/j/status`, o);
    t = await table(api, `${BATCH}/jobs`);
    assert.deepEqual([t.rows[0]!.Status, t.rows[0]!.Completions, t.rows[0]!.Duration], ['Complete', '1/1', '65s']);
  });

  it('field selector status.successful', async () => {
    await api.ok('POST', `${BATCH}/jobs`, job('j'));
    const l = await api.ok('GET', `${BATCH}/jobs?fieldSelector=status.successful=0`);
    assert.equal(l.items.length, 1);
  });
});

describe('cronjobs', () => {
  it('defaults: Allow, not suspended, history limits 3 and 1', async () => {
    const o = await api.ok('POST', `${BATCH}/cronjobs`, cron('c'));
    assert.deepEqual(
      [o.spec.concurrencyPolicy, o.spec.suspend, o.spec.successfulJobsHistoryLimit, o.spec.failedJobsHistoryLimit],
      ['Allow', false, 3, 1],
    );
  });

  const schedules: [string, string | undefined][] = [
    ['*/5 * * * *', undefined],
    ['@hourly', undefined],
    ['0 0 * * MON-FRI', undefined],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['@sometimes', 'unrecognized descriptor: @sometimes'],
    ['TZ=UTC 0 * * * *', 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
  ];
  for (const [schedule, want] of schedules)
    it(`schedule ${JSON.stringify(schedule)}`, () => assert.equal(cronScheduleError(schedule), want));

  it('refuses a bad schedule and an unknown concurrencyPolicy', async () => {
    const r = await api.call(
      'POST',
      `${BATCH}/cronjobs`,
      cron('c', { schedule: 'every minute', concurrencyPolicy: 'Sometimes' }),
    );
    assert.equal(r.code, 422);
    assert.match(r.body.message, /spec\.schedule: Invalid value: "every minute"/);
    assert.match(r.body.message, /spec\.concurrencyPolicy: Unsupported value: "Sometimes"/);
  });

  it('table: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE', async () => {
    await api.ok('POST', `${BATCH}/cronjobs`, cron('c', { timeZone: 'Etc/UTC' }));
    const t = await table(api, `${BATCH}/cronjobs`);
    assert.deepEqual(t.columns, [
      'Name',
      'Schedule',
      'Timezone',
      'Suspend',
      'Active',
      'Last Schedule',
      'Age',
      'Containers',
      'Images',
      'Selector',
    ]);
    assert.deepEqual(
      [t.rows[0]!.Schedule, t.rows[0]!.Timezone, t.rows[0]!.Suspend, t.rows[0]!.Active, t.rows[0]!['Last Schedule']],
      ['*/5 * * * *', 'Etc/UTC', 'False', 0, '<none>'],
    );
  });
});
