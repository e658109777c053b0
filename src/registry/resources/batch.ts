// batch/v1 Jobs and CronJobs, stored with kube's defaults (pkg/apis/batch/v1/defaults.go) and main
// validation rules (pkg/apis/batch/validation); no controller creates their pods.
import { randomUUID } from 'node:crypto';
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { ALL_VERBS, keepStatus, statusOnly, type ResourceDef } from '../types.js';
import { validateEnum } from './core.js';
import {
  AGE,
  age,
  col,
  containerCells,
  defaultTemplate,
  formatSelector,
  immutableField,
  nonNegative,
  num,
  part,
  printer,
  resetStatus,
  since,
  specChanged,
  validateLabelSelector,
  type LabelSelector,
  type Obj,
  type PodTemplate,
  CONTAINERS,
  IMAGES,
  SELECTOR,
} from './common.js';
import { humanDuration } from '../table.js';
import { validatePodSpec } from './pods.js';

/** SetDefaults_Job (backoffLimit 6, completions/parallelism 1, NonIndexed, TerminatingOrFailed). */
export function defaultJobSpec(spec: Obj): void {
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex === undefined ? 6 : 2147483647;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  defaultTemplate(spec.template as PodTemplate);
}

/** The job-controller's selector: kube's JobStrategy generates it from the uid unless manualSelector is set. */
function generateSelector(o: KubeObject): void {
  const spec = part(o);
  if (spec.manualSelector === true) return;
  const uid = (o.metadata.uid ??= randomUUID());
  const template = (spec.template as PodTemplate & { metadata?: Obj }) ?? {};
  const meta = ((template.metadata as Obj) ??= {});
  const labels = ((meta.labels as Record<string, string>) ??= {});
  if (spec.selector === undefined) {
    labels['batch.kubernetes.io/controller-uid'] ??= uid;
    labels['batch.kubernetes.io/job-name'] ??= o.metadata.name ?? '';
    labels['controller-uid'] ??= uid;
    labels['job-name'] ??= o.metadata.name ?? '';
    spec.selector = {
      matchLabels: { 'batch.kubernetes.io/controller-uid': labels['batch.kubernetes.io/controller-uid'] },
    };
  }
  spec.template = template;
  o.spec = spec;
}

function validateJobSpec(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished'])
    errs.push(...nonNegative(`${path}.${f}`, spec[f]));
  if (typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds <= 0)
    errs.push(fieldInvalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be greater than 0'));
  errs.push(...validateEnum(`${path}.completionMode`, spec.completionMode, ['NonIndexed', 'Indexed']));
  if (spec.completionMode === 'Indexed' && spec.completions === undefined)
    errs.push(fieldRequired(`${path}.completions`, 'when completion mode is Indexed'));
  errs.push(
    ...validateEnum(`${path}.podReplacementPolicy`, spec.podReplacementPolicy, ['TerminatingOrFailed', 'Failed']),
  );
  if (spec.selector) errs.push(...validateLabelSelector(spec.selector as LabelSelector, `${path}.selector`));
  const template = spec.template as PodTemplate | undefined;
  if (!template) return [...errs, fieldRequired(`${path}.template`)];
  errs.push(...validatePodSpec(template.spec as never, `${path}.template.spec`));
  const restart = template.spec?.restartPolicy;
  if (restart !== 'OnFailure' && restart !== 'Never') {
    errs.push({
      type: 'FieldValueNotSupported',
      field: `${path}.template.spec.restartPolicy`,
      message: `Unsupported value: ${JSON.stringify(restart ?? '')}: supported values: "OnFailure", "Never"`,
    });
  }
  return errs;
}

function validateJob(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs = validateJobSpec(spec, 'spec');
  if (!spec.selector) errs.push(fieldRequired('spec.selector'));
  return errs;
}

function jobStatusText(o: KubeObject): string {
  const conds = (part(o, 'status').conditions ?? []) as { type: string; status: string }[];
  const is = (t: string): boolean => conds.some((c) => c.type === t && c.status === 'True');
  // printJob's order: Complete, Failed, Terminating, Suspended, FailureTarget, SuccessCriteriaMet, else Running.
  if (is('Complete')) return 'Complete';
  if (is('Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp) return 'Terminating';
  if (is('Suspended')) return 'Suspended';
  if (is('FailureTarget')) return 'FailureTarget';
  if (is('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** printJob: `succeeded/completions`, or `succeeded/1 of parallelism` when only parallelism is set. */
function completions(o: KubeObject): string {
  const spec = part(o);
  const succeeded = num(part(o, 'status').succeeded);
  if (spec.completions !== undefined && spec.completions !== null) return `${succeeded}/${spec.completions}`;
  const p = num(spec.parallelism);
  return p > 1 ? `${succeeded}/1 of ${p}` : `${succeeded}/1`;
}

function duration(o: KubeObject): string {
  const st = part(o, 'status');
  if (typeof st.startTime !== 'string') return '';
  const end = typeof st.completionTime === 'string' ? Date.parse(st.completionTime) : Date.now();
  return humanDuration(Math.max(0, end - Date.parse(st.startTime)));
}

export const jobs: ResourceDef = {
  group: 'batch',
  version: 'v1',
  resource: 'jobs',
  kind: 'Job',
  listKind: 'JobList',
  singularName: 'job',
  namespaced: true,
  categories: ['all'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate(o) {
      resetStatus(o);
      generateSelector(o);
    },
    prepareForUpdate: keepStatus,
    defaults: (o) => defaultJobSpec(((o.spec as Obj) ??= {})),
    validate: validateJob,
    validateUpdate(o, old) {
      const errs = validateJob(o);
      errs.push(...immutableField('spec.selector', part(o).selector, part(old).selector));
      errs.push(...immutableField('spec.completionMode', part(o).completionMode, part(old).completionMode));
      if (part(old).suspend !== true)
        errs.push(...immutableField('spec.template', part(o).template, part(old).template));
      return errs;
    },
    generationChanged: specChanged,
  },
  subresources: { status: { verbs: ['get', 'update', 'patch'], updateStrategy: statusOnly(['labels']) } },
  fieldLabels: { 'status.successful': (o) => String(num(part(o, 'status').succeeded)) },
  table: printer(
    [
      col('Status', 'string', 'Status of the job.'),
      col('Completions', 'string', 'The completion status of the job as succeeded/completions.'),
      col('Duration', 'string', 'Time required to complete the job.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    (o) => [
      jobStatusText(o),
      completions(o),
      duration(o),
      age(o),
      ...containerCells(part(o).template as PodTemplate),
      formatSelector(part(o).selector as LabelSelector),
    ],
  ),
};

/** A five-field cron schedule (or a macro such as @hourly); fields checked for their characters and count. */
export function cronScheduleError(schedule: unknown): string | undefined {
  if (typeof schedule !== 'string' || schedule.trim() === '') return 'Required value';
  const s = schedule.trim();
  if (s.startsWith('@'))
    return ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'].includes(s) ||
      s.startsWith('@every ')
      ? undefined
      : `unrecognized descriptor: ${s}`;
  const fields = s.split(/\s+/);
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ='))
    return 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead';
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (const f of fields) if (!/^[-*/,?0-9A-Za-z]+$/.test(f)) return `failed to parse int from ${f}`;
  return undefined;
}

function validateCronJob(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs: FieldError[] = [];
  const problem = cronScheduleError(spec.schedule);
  if (problem === 'Required value') errs.push(fieldRequired('spec.schedule'));
  else if (problem) errs.push(fieldInvalid('spec.schedule', spec.schedule, problem));
  errs.push(...validateEnum('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']));
  errs.push(...nonNegative('spec.startingDeadlineSeconds', spec.startingDeadlineSeconds));
  errs.push(...nonNegative('spec.successfulJobsHistoryLimit', spec.successfulJobsHistoryLimit));
  errs.push(...nonNegative('spec.failedJobsHistoryLimit', spec.failedJobsHistoryLimit));
  const jt = spec.jobTemplate as { spec?: Obj } | undefined;
  if (!jt?.spec) errs.push(fieldRequired('spec.jobTemplate.spec'));
  else errs.push(...validateJobSpec(jt.spec, 'spec.jobTemplate.spec'));
  return errs;
}

export const cronJobs: ResourceDef = {
  group: 'batch',
  version: 'v1',
  resource: 'cronjobs',
  kind: 'CronJob',
  listKind: 'CronJobList',
  singularName: 'cronjob',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate: resetStatus,
    prepareForUpdate: keepStatus,
    defaults(o) {
      const spec = ((o.spec as Obj) ??= {});
      spec.concurrencyPolicy ??= 'Allow';
      spec.suspend ??= false;
      spec.successfulJobsHistoryLimit ??= 3;
      spec.failedJobsHistoryLimit ??= 1;
      const jt = spec.jobTemplate as { spec?: Obj } | undefined;
      if (jt?.spec) {
        // SetDefaults_CronJob defaults the job template's pod spec, not the Job's own counters.
        defaultTemplate(jt.spec.template as PodTemplate);
      }
    },
    validate: validateCronJob,
    validateUpdate: validateCronJob,
    generationChanged: specChanged,
  },
  subresources: { status: { verbs: ['get', 'update', 'patch'], updateStrategy: statusOnly(['labels']) } },
  table: printer(
    [
      col('Schedule', 'string', 'The schedule in Cron format.'),
      col('Timezone', 'string', 'The time zone for the given schedule.'),
      col('Suspend', 'boolean', 'Whether the cron job is suspended.'),
      col('Active', 'integer', 'Number of currently running jobs.'),
      col('Last Schedule', 'string', 'When the last job was successfully scheduled.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    (o) => {
      const spec = part(o);
      const st = part(o, 'status');
      const jobSpec = ((spec.jobTemplate as { spec?: Obj } | undefined)?.spec ?? {}) as Obj;
      const last = typeof st.lastScheduleTime === 'string' ? since(st.lastScheduleTime) : '<none>';
      // printBoolPtr: the SUSPEND cell is the string True/False (<unset> when absent).
      const suspend =
        spec.suspend === undefined || spec.suspend === null ? '<unset>' : spec.suspend === true ? 'True' : 'False';
      return [
        spec.schedule ?? '',
        spec.timeZone ?? '<none>',
        suspend,
        Array.isArray(st.active) ? st.active.length : 0,
        last,
        age(o),
        ...containerCells(jobSpec.template as PodTemplate),
        formatSelector(jobSpec.selector as LabelSelector),
      ];
    },
  ),
};

export const BATCH_DEFS: ResourceDef[] = [jobs, cronJobs];
