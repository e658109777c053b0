// admissionregistration.k8s.io/v1 webhook configurations and ValidatingAdmissionPolicies (+ bindings):
// stored with kube's defaults (pkg/apis/admissionregistration/v1/defaults.go) and main validation rules.
// kauth does not call the webhooks or evaluate the policies; it keeps them, as the issue asks.
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { ALL_VERBS, keepStatus, statusOnly, type ResourceDef } from '../types.js';
import { validateEnum } from './core.js';
import { AGE, age, col, printer, resetStatus, type Obj } from './common.js';

type Rule = {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string;
};

function defaultRules(rules: unknown): void {
  for (const r of (rules ?? []) as Rule[]) r.scope ??= '*';
}

/** SetDefaults_ValidatingWebhook / SetDefaults_MutatingWebhook. */
function defaultWebhook(w: Obj, mutating: boolean): void {
  w.failurePolicy ??= 'Fail';
  w.matchPolicy ??= 'Equivalent';
  w.namespaceSelector ??= {};
  w.objectSelector ??= {};
  w.timeoutSeconds ??= 10;
  if (mutating) w.reinvocationPolicy ??= 'Never';
  defaultRules(w.rules);
  const svc = (w.clientConfig as Obj | undefined)?.service as Obj | undefined;
  if (svc) svc.port ??= 443;
}

function validateWebhooks(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  ((o.webhooks ?? []) as Obj[]).forEach((w, i) => {
    const f = `webhooks[${i}]`;
    const name = w.name as string | undefined;
    if (!name) errs.push(fieldRequired(`${f}.name`));
    else {
      if (name.split('.').length < 3)
        errs.push(fieldInvalid(`${f}.name`, name, 'should be a domain with at least three segments separated by dots'));
      if (seen.has(name))
        errs.push({
          type: 'FieldValueDuplicate',
          field: `${f}.name`,
          message: `Duplicate value: ${JSON.stringify(name)}`,
        });
      seen.add(name);
    }
    const cc = (w.clientConfig ?? {}) as Obj;
    if ((cc.url === undefined) === (cc.service === undefined))
      errs.push(fieldRequired(`${f}.clientConfig`, 'exactly one of url or service is required'));
    if (typeof cc.url === 'string' && !cc.url.startsWith('https://'))
      errs.push(fieldInvalid(`${f}.clientConfig.url`, cc.url, "'https' is the only allowed URL scheme"));
    if (w.sideEffects === undefined)
      errs.push(fieldRequired(`${f}.sideEffects`, 'must specify one of None, NoneOnDryRun'));
    else errs.push(...validateEnum(`${f}.sideEffects`, w.sideEffects, ['None', 'NoneOnDryRun']));
    if (!(w.admissionReviewVersions as unknown[] | undefined)?.length)
      errs.push(fieldRequired(`${f}.admissionReviewVersions`, 'must specify one of v1, v1beta1'));
    errs.push(...validateEnum(`${f}.failurePolicy`, w.failurePolicy, ['Fail', 'Ignore']));
    errs.push(...validateEnum(`${f}.matchPolicy`, w.matchPolicy, ['Equivalent', 'Exact']));
    if (typeof w.timeoutSeconds === 'number' && (w.timeoutSeconds < 1 || w.timeoutSeconds > 30))
      errs.push(
        fieldInvalid(`${f}.timeoutSeconds`, w.timeoutSeconds, 'the timeout value must be between 1 and 30 seconds'),
      );
    if (w.reinvocationPolicy !== undefined)
      errs.push(...validateEnum(`${f}.reinvocationPolicy`, w.reinvocationPolicy, ['IfNeeded', 'Never']));
  });
  return errs;
}

const webhooksCell = (o: KubeObject): number => ((o.webhooks ?? []) as unknown[]).length;
const WEBHOOKS = col(
  'Webhooks',
  'integer',
  'Webhooks indicates the number of webhooks registered in this configuration',
);

function webhookConfiguration(kind: string, resource: string, mutating: boolean): ResourceDef {
  return {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    resource,
    kind,
    listKind: `${kind}List`,
    singularName: kind.toLowerCase(),
    namespaced: false,
    categories: ['api-extensions'],
    verbs: ALL_VERBS,
    strategy: {
      defaults(o) {
        for (const w of (o.webhooks ?? []) as Obj[]) defaultWebhook(w, mutating);
      },
      validate: validateWebhooks,
      validateUpdate: validateWebhooks,
      generationChanged: (o, old) => JSON.stringify(o.webhooks) !== JSON.stringify(old.webhooks),
    },
    table: printer([WEBHOOKS, AGE], (o) => [webhooksCell(o), age(o)]),
  };
}

export const validatingWebhookConfigurations = webhookConfiguration(
  'ValidatingWebhookConfiguration',
  'validatingwebhookconfigurations',
  false,
);
export const mutatingWebhookConfigurations = webhookConfiguration(
  'MutatingWebhookConfiguration',
  'mutatingwebhookconfigurations',
  true,
);

function validatePolicy(o: KubeObject): FieldError[] {
  const spec = (o.spec ?? {}) as Obj;
  const errs: FieldError[] = [];
  const validations = (spec.validations ?? []) as Obj[];
  if (validations.length === 0 && !(spec.auditAnnotations as unknown[] | undefined)?.length) {
    errs.push(fieldRequired('spec.validations', 'validations or auditAnnotations must contain at least one item'));
  }
  validations.forEach((v, i) => {
    if (!v.expression) errs.push(fieldRequired(`spec.validations[${i}].expression`));
  });
  errs.push(...validateEnum('spec.failurePolicy', spec.failurePolicy, ['Fail', 'Ignore']));
  if (!spec.matchConstraints) errs.push(fieldRequired('spec.matchConstraints'));
  return errs;
}

export const validatingAdmissionPolicies: ResourceDef = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  resource: 'validatingadmissionpolicies',
  kind: 'ValidatingAdmissionPolicy',
  listKind: 'ValidatingAdmissionPolicyList',
  singularName: 'validatingadmissionpolicy',
  namespaced: false,
  categories: ['api-extensions'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate: resetStatus,
    prepareForUpdate: keepStatus,
    defaults(o) {
      const spec = ((o.spec as Obj) ??= {});
      spec.failurePolicy ??= 'Fail';
      const mc = spec.matchConstraints as Obj | undefined;
      if (mc) {
        mc.matchPolicy ??= 'Equivalent';
        mc.namespaceSelector ??= {};
        mc.objectSelector ??= {};
        defaultRules(mc.resourceRules);
        defaultRules(mc.excludeResourceRules);
      }
    },
    validate: validatePolicy,
    validateUpdate: validatePolicy,
    generationChanged: (o, old) => JSON.stringify(o.spec) !== JSON.stringify(old.spec),
  },
  subresources: { status: { verbs: ['get', 'update', 'patch'], updateStrategy: statusOnly() } },
  table: printer(
    [
      col(
        'Validations',
        'integer',
        'Validations indicates the number of validation rules defined in this configuration',
      ),
      col('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
      AGE,
    ],
    (o) => {
      const spec = (o.spec ?? {}) as Obj;
      const pk = spec.paramKind as { apiVersion?: string; kind?: string } | undefined;
      return [
        ((spec.validations ?? []) as unknown[]).length,
        pk ? `${pk.apiVersion ?? ''}/${pk.kind ?? ''}` : '<unset>',
        age(o),
      ];
    },
  ),
};

function validateBinding(o: KubeObject): FieldError[] {
  const spec = (o.spec ?? {}) as Obj;
  const errs: FieldError[] = [];
  if (!spec.policyName) errs.push(fieldRequired('spec.policyName'));
  const actions = (spec.validationActions ?? []) as string[];
  if (actions.length === 0) errs.push(fieldRequired('spec.validationActions'));
  actions.forEach((a, i) => errs.push(...validateEnum(`spec.validationActions[${i}]`, a, ['Audit', 'Deny', 'Warn'])));
  if (actions.includes('Deny') && actions.includes('Warn'))
    errs.push(fieldInvalid('spec.validationActions', actions, 'Deny and Warn cannot be used together'));
  return errs;
}

export const validatingAdmissionPolicyBindings: ResourceDef = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  resource: 'validatingadmissionpolicybindings',
  kind: 'ValidatingAdmissionPolicyBinding',
  listKind: 'ValidatingAdmissionPolicyBindingList',
  singularName: 'validatingadmissionpolicybinding',
  namespaced: false,
  categories: ['api-extensions'],
  verbs: ALL_VERBS,
  strategy: {
    defaults(o) {
      const mr = ((o.spec ?? {}) as Obj).matchResources as Obj | undefined;
      if (mr) {
        mr.matchPolicy ??= 'Equivalent';
        mr.namespaceSelector ??= {};
        mr.objectSelector ??= {};
        defaultRules(mr.resourceRules);
        defaultRules(mr.excludeResourceRules);
      }
    },
    validate: validateBinding,
    validateUpdate: validateBinding,
    generationChanged: (o, old) => JSON.stringify(o.spec) !== JSON.stringify(old.spec),
  },
  table: printer(
    [
      col('PolicyName', 'string', 'PolicyName indicates the policy definition which the policy binding binded to'),
      col('ParamRef', 'string', 'ParamRef indicates the param resource which sets the configration param'),
      AGE,
    ],
    (o) => {
      const spec = (o.spec ?? {}) as Obj;
      const ref = spec.paramRef as { namespace?: string; name?: string; selector?: unknown } | undefined;
      let param = '<unset>';
      if (ref)
        param = ref.name
          ? `${ref.namespace ? `${ref.namespace}/` : '*/'}${ref.name}`
          : `${ref.namespace ? `${ref.namespace}/` : '*/'}*`;
      return [spec.policyName ?? '', param, age(o)];
    },
  ),
};

export const ADMISSIONREGISTRATION_DEFS: ResourceDef[] = [
  validatingWebhookConfigurations,
  mutatingWebhookConfigurations,
  validatingAdmissionPolicies,
  validatingAdmissionPolicyBindings,
];
