// `kauth who-can`, `kauth access-matrix` and `kauth rbac check|risks|diff|test`: flags only; the work is in
// src/access/ (offline on manifests with kube's bootstrap policy, or live through a cluster's API).
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml, stringify } from 'yaml';
import { CliError } from './errors.js';
import { collect } from './flags.js';
import { apiClient, type ApiClient } from './api-client.js';
import { rbacDiff } from '../access/diff.js';
import { impersonatedUser } from '../access/identity.js';
import { fetchPolicy, fetchServedResources, subjectAccessReview } from '../access/live.js';
import { offlinePolicy } from '../access/manifests.js';
import { accessMatrix, MATRIX_VERBS } from '../access/matrix.js';
import { printDiff, printMatrix, printWhoCan } from '../access/print.js';
import { describeResult, junitReport, parseRbacTests, runRbacTests } from '../access/rbac-test.js';
import { parseAccessRequest, type AccessRequest } from '../access/request.js';
import { rbacRisks, printRisks } from '../access/risks.js';
import { SERVED_RESOURCES, type ServedResource } from '../access/served-resources.js';
import { whoCanInWorld } from '../access/who-can.js';
import { RbacWorld, type RbacObject } from '../access/world.js';

interface SourceOptions {
  manifests?: string[];
  kubeconfig?: string;
}

interface OutputOptions {
  output?: string;
}

/** Where the policy comes from: manifests (+ bootstrap policy) or a cluster's API. */
interface Source {
  live: boolean;
  api?: ApiClient;
  policy(): Promise<RbacObject[]>;
  served(): Promise<ServedResource[]>;
}

function source(o: SourceOptions): Source {
  if (o.manifests?.length && o.kubeconfig) throw new CliError('--manifests and --kubeconfig are mutually exclusive');
  if (o.manifests?.length) {
    const paths = o.manifests;
    return { live: false, policy: async () => offlinePolicy(paths), served: async () => [...SERVED_RESOURCES] };
  }
  const api = apiClient(o.kubeconfig);
  let served: Promise<ServedResource[]> | undefined;
  return { live: true, api, policy: () => fetchPolicy(api), served: () => (served ??= fetchServedResources(api)) };
}

function sourceFlags(c: Command): Command {
  return c
    .option(
      '--manifests <paths...>',
      "evaluate offline: RBAC objects in these YAML/JSON files or directories, plus kube's bootstrap policy",
    )
    .option('--kubeconfig <file>', 'evaluate live against this cluster (default: $KUBECONFIG or ~/.kube/config)');
}

function emit(o: OutputOptions, data: unknown, text: () => string): void {
  const fmt = o.output ?? '';
  if (fmt === 'json') process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else if (fmt === 'yaml') process.stdout.write(stringify(data));
  else if (fmt === '' || fmt === 'wide') process.stdout.write(text());
  else
    throw new CliError(
      `unable to match a printer suitable for the output format "${fmt}", allowed formats are: json,yaml`,
    );
}

async function request(
  src: Source,
  verb: string,
  resource: string,
  name: string | undefined,
  namespace: string | undefined,
): Promise<AccessRequest> {
  const parsed = parseAccessRequest(verb, resource, name, namespace, await src.served());
  if (parsed.warning) process.stderr.write(`${parsed.warning}\n`);
  return parsed.request;
}

export function registerAccessCommands(program: Command): void {
  sourceFlags(
    program
      .command('who-can')
      .description(
        'List the subjects allowed to do VERB on RESOURCE[/SUBRESOURCE] [NAME] (or a non-resource URL), with the binding and role that grant it',
      )
      .argument('<verb>')
      .argument('<resource>', 'pods, pods/log, deployments.apps, *, or /healthz')
      .argument('[name]')
      .option('-n, --namespace <ns>', 'namespace of the request (omit: cluster scope, only ClusterRoleBindings apply)')
      .option('-A, --all-namespaces', 'include RoleBindings of every namespace')
      .option('-o, --output <format>', 'json or yaml'),
  ).action(
    async (
      verb: string,
      resource: string,
      name: string | undefined,
      o: SourceOptions & OutputOptions & { namespace?: string; allNamespaces?: boolean },
    ) => {
      const src = source(o);
      const req = await request(src, verb, resource, name, o.namespace);
      const world = new RbacWorld(await src.policy());
      const result = whoCanInWorld(world, req, { allNamespaces: o.allNamespaces });
      emit(o, result, () => printWhoCan(result));
    },
  );

  sourceFlags(
    program
      .command('access-matrix')
      .description('Resources × verbs a user may use (like rakkess), decided by the RBAC authorizer')
      .option('--as <user>', 'the user (default: system:anonymous would see little; required)')
      .option('--as-group <group>', 'a group of the user (repeatable)', collect, [])
      .option('-n, --namespace <ns>', 'namespaced resources in this namespace (omit: every resource at cluster scope)')
      .option('--verbs <verbs>', `verbs to show (default ${MATRIX_VERBS.join(',')})`)
      .option('-o, --output <format>', 'json or yaml'),
  ).action(
    async (
      o: SourceOptions & OutputOptions & { as?: string; asGroup: string[]; namespace?: string; verbs?: string },
    ) => {
      if (!o.as) throw new CliError('--as USER is required');
      const src = source(o);
      const [policy, served] = await Promise.all([src.policy(), src.served()]);
      const m = accessMatrix(new RbacWorld(policy), impersonatedUser(o.as, o.asGroup), served, {
        namespace: o.namespace ?? '',
        verbs: o.verbs
          ?.split(',')
          .map((v) => v.trim())
          .filter(Boolean),
      });
      emit(o, m, () => printMatrix(m));
    },
  );

  const rbac = program
    .command('rbac')
    .description('Check, review and test RBAC offline on manifests or live on a cluster');

  sourceFlags(
    rbac
      .command('check')
      .description('Whether a user may do VERB on RESOURCE, as `kubectl auth can-i --as` (prints yes/no; exit 0/1)')
      .argument('<verb>')
      .argument('<resource>')
      .argument('[name]')
      .requiredOption('--as <user>', 'the user to check')
      .option('--as-group <group>', 'a group of the user (repeatable)', collect, [])
      .option('-n, --namespace <ns>', 'namespace of the request'),
  ).action(
    async (
      verb: string,
      resource: string,
      name: string | undefined,
      o: SourceOptions & { as: string; asGroup: string[]; namespace?: string },
    ) => {
      const src = source(o);
      const req = await request(src, verb, resource, name, o.namespace);
      const user = impersonatedUser(o.as, o.asGroup);
      // Live: the cluster's whole authorizer chain answers; offline: the same RBAC code on the manifests.
      const d = src.live
        ? await subjectAccessReview(src.api!, user, req)
        : new RbacWorld(await src.policy()).authorize(user, req);
      process.stdout.write(d.allowed ? 'yes\n' : `no${d.reason ? ` - ${d.reason}` : ''}\n`);
      if (!d.allowed) process.exitCode = 1;
    },
  );

  sourceFlags(
    rbac
      .command('risks')
      .description(
        "Risky grants (the CIS auditor's rules): escalate, bind, impersonate, secrets read, pods/exec, nodes/proxy, token create, wildcards",
      )
      .option('--include-system', "also report Kubernetes' own default policy")
      .option('-o, --output <format>', 'json or yaml'),
  ).action(async (o: SourceOptions & OutputOptions & { includeSystem?: boolean }) => {
    const src = source(o);
    const findings = rbacRisks(await src.policy(), { includeSystem: o.includeSystem });
    emit(o, findings, () => printRisks(findings));
  });

  rbac
    .command('diff')
    .description(
      'Who gained and who lost which permission between two manifest sets (OLD and NEW: directories or files)',
    )
    .argument('<old>')
    .argument('<new>')
    .option('-o, --output <format>', 'json or yaml')
    .action(async (oldPath: string, newPath: string, o: OutputOptions) => {
      const d = rbacDiff(offlinePolicy([oldPath]), offlinePolicy([newPath]));
      emit(o, d, () => printDiff(d));
    });

  sourceFlags(
    rbac
      .command('test')
      .description(
        'Check a YAML of expectations (tests: [{name, user, groups, verb, resource, namespace, allowed}]); exit 1 when one fails',
      )
      .argument('<file>')
      .option('--junit <file>', 'write a JUnit XML report here')
      .option('-o, --output <format>', 'json or yaml'),
  ).action(async (file: string, o: SourceOptions & OutputOptions & { junit?: string }) => {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new CliError(`${file}: ${(e as Error).message}`);
    }
    const tests = parseRbacTests(doc);
    const src = source(o);
    const world = src.live ? undefined : new RbacWorld(await src.policy());
    const results = await runRbacTests(tests, async (t) => {
      const req = await request(src, t.verb, t.resource, t.objectName, t.namespace);
      const user = impersonatedUser(t.user, t.groups);
      return world ? world.authorize(user, req) : subjectAccessReview(src.api!, user, req);
    });
    if (o.junit) writeFileSync(o.junit, junitReport(`kauth rbac test ${file}`, results));
    const failed = results.filter((r) => !r.passed).length;
    emit(
      o,
      { results, passed: results.length - failed, failed },
      () => `${results.map(describeResult).join('\n')}\n\n${results.length - failed} passed, ${failed} failed\n`,
    );
    if (failed > 0) process.exitCode = 1;
  });
}
