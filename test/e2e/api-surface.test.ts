// The built-in API surface with the real kubectl v1.35: an operator-style bundle (test/fixtures/bundle)
// applied, re-applied and deleted; typed `kubectl create` of the new kinds (protobuf bodies); events as
// `kubectl get events` and `kubectl events --for` read them; events.k8s.io; componentstatuses; rollout history;
// cluster-info dump; /openapi/v2 (JSON, and protobuf as kubectl reads it); the controllers' default bindings.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clientCert, kubectl, request, ROOT, startCluster, type Cluster, type Who } from './harness.js';

const BUNDLE = join(ROOT, 'test', 'fixtures', 'bundle', 'operator.yaml');
const CRDS = join(ROOT, 'test', 'fixtures', 'bundle', 'crds.yaml');
const CUSTOM = join(ROOT, 'test', 'fixtures', 'bundle', 'custom-resources.yaml');

describe('the API surface a real cluster serves, with kubectl', () => {
  let c: Cluster;
  let admin: Who;
  const k = (...args: string[]) => kubectl(c, args);
  const ok = (...args: string[]): string => {
    const r = kubectl(c, args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.out}${r.err}`);
    return r.out;
  };

  before(async () => {
    c = await startCluster();
    admin = { cert: clientCert(c, 'kubernetes-admin', ['system:masters']) };
    ok('create', 'namespace', 'demo');
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it('an operator bundle applies, re-applies unchanged, and deletes', () => {
    const first = ok('apply', '-f', BUNDLE).trim().split('\n');
    assert.equal(first.length, 17);
    assert.ok(
      first.every((l) => / created$/.test(l)),
      first.join('\n'),
    );
    const second = ok('apply', '-f', BUNDLE).trim().split('\n');
    // The PDB's selector carries patchStrategy "replace" in k8s.io/api, so kubectl's three-way patch is never
    // empty for it and it prints "configured" against kube-apiserver too; the object itself does not change.
    const rv = ok('get', 'pdb', 'widget-operator', '-n', 'widget-system', '-o', 'jsonpath={.metadata.resourceVersion}');
    for (const line of second) {
      if (line.startsWith('poddisruptionbudget.policy/'))
        assert.equal(line, 'poddisruptionbudget.policy/widget-operator configured');
      else assert.match(line, / unchanged$/);
    }
    ok('apply', '-f', BUNDLE);
    assert.equal(
      ok('get', 'pdb', 'widget-operator', '-n', 'widget-system', '-o', 'jsonpath={.metadata.resourceVersion}'),
      rv,
    );

    const listed = ok(
      'get',
      'deploy,job,cronjob,ingress,networkpolicy,pdb,lease,hpa,svc,cm,sa',
      '-n',
      'widget-system',
      '-o',
      'name',
    );
    for (const n of [
      'deployment.apps/widget-operator',
      'job.batch/widget-operator-migrate',
      'cronjob.batch/widget-operator-gc',
      'ingress.networking.k8s.io/widget-dashboard',
      'networkpolicy.networking.k8s.io/widget-operator-metrics',
      'poddisruptionbudget.policy/widget-operator',
      'lease.coordination.k8s.io/widget-operator-leader',
      'horizontalpodautoscaler.autoscaling/widget-operator',
    ])
      assert.ok(listed.includes(n), `${n} in\n${listed}`);
    assert.match(
      ok('get', 'cronjob', '-n', 'widget-system'),
      /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\nwidget-operator-gc\s+30 3 \* \* \*\s+Etc\/UTC\s+False\s+0\s+<none>/,
    );
    assert.match(
      ok('get', 'ingress', '-n', 'widget-system'),
      /widget-dashboard\s+nginx\s+widgets\.example\.com\s+80, 443/,
    );
    // The operator's service account may do what its ClusterRole grants, and nothing else.
    const as = ['--as', 'system:serviceaccount:widget-system:widget-operator'];
    assert.equal(ok('auth', 'can-i', 'create', 'statefulsets.apps', '-n', 'demo', ...as).trim(), 'yes');
    assert.equal(k('auth', 'can-i', 'delete', 'leases', '-n', 'demo', ...as).out.trim(), 'no');
    assert.equal(ok('auth', 'can-i', 'update', 'leases', '-n', 'widget-system', ...as).trim(), 'yes');

    // Deleting the Namespace first lets kauth's namespace controller remove what is inside before kubectl
    // reaches it, hence --ignore-not-found; what matters is that nothing is left.
    ok('delete', '-f', BUNDLE, '--ignore-not-found', '--wait=true');
    assert.equal(k('get', 'ns', 'widget-system').code, 1);
    for (const kind of [
      'priorityclass/widget-operator-critical',
      'clusterrole/widget-operator',
      'clusterrolebinding/widget-operator',
    ])
      assert.equal(k('get', kind).code, 1, kind);
  });

  it("the bundle's CRDs and custom resources: apply, re-apply unchanged, RBAC on them, delete", () => {
    ok('apply', '-f', CRDS);
    ok(
      'wait',
      '--for',
      'condition=established',
      'crd/widgets.widgets.example.com',
      'crd/gadgets.widgets.example.com',
      '--timeout=20s',
    );
    ok('apply', '-f', BUNDLE);
    assert.deepEqual(ok('apply', '-f', CUSTOM).trim().split('\n'), [
      'widget.widgets.example.com/first created',
      'gadget.widgets.example.com/gizmo created',
    ]);
    assert.deepEqual(ok('apply', '-f', CUSTOM).trim().split('\n'), [
      'widget.widgets.example.com/first unchanged',
      'gadget.widgets.example.com/gizmo unchanged',
    ]);
    assert.match(ok('get', 'widgets', '-n', 'widget-system'), /^NAME\s+SIZE\s+PHASE\s*\nfirst\s+3\s/);
    const as = ['--as', 'system:serviceaccount:widget-system:widget-operator'];
    assert.equal(
      ok('auth', 'can-i', 'update', 'widgets.widgets.example.com', '--subresource=status', '-n', 'demo', ...as).trim(),
      'yes',
    );
    assert.equal(
      k(
        'auth',
        'can-i',
        'update',
        'widgets.widgets.example.com',
        '--subresource=scale',
        '-n',
        'demo',
        ...as,
      ).out.trim(),
      'no',
    );
    ok('delete', '-f', CUSTOM, '--wait=true');
    ok('delete', '-f', BUNDLE, '--ignore-not-found', '--wait=true');
    ok('delete', '-f', CRDS, '--wait=true');
  });

  it('kubectl create -f of a SubjectAccessReview with validation on (OpenAPI v2 path)', () => {
    const file = join(c.dir, 'sar.yaml');
    writeFileSync(
      file,
      'apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n  user: jane\n  groups: [system:masters]\n' +
        '  resourceAttributes:\n    namespace: demo\n    verb: list\n    resource: pods\n',
    );
    const out = ok('create', '-f', file, '-o', 'yaml');
    assert.match(out, /^status:\n\s+allowed: true/m);
  });

  it('typed kubectl create of the new kinds (protobuf request bodies)', () => {
    ok('create', 'job', 'j1', '--image=busybox', '-n', 'demo');
    assert.equal(
      ok('get', 'job', 'j1', '-n', 'demo', '-o', 'jsonpath={.spec.backoffLimit} {.spec.completions}'),
      '6 1',
    );
    ok('create', 'cronjob', 'cj1', '--image=busybox', '--schedule=*/5 * * * *', '-n', 'demo');
    ok('create', 'ingress', 'ing1', '--rule=foo.example.com/bar=svc1:8080', '-n', 'demo');
    assert.equal(
      ok('get', 'ingress', 'ing1', '-n', 'demo', '-o', 'jsonpath={.spec.rules[0].http.paths[0].pathType}'),
      'Exact',
    );
    ok('create', 'poddisruptionbudget', 'pdb1', '--selector=app=x', '--min-available=1', '-n', 'demo');
    ok('create', 'priorityclass', 'pc1', '--value=1000', '--description=test');
    ok('create', 'quota', 'q1', '--hard=pods=10,limits.cpu=2', '-n', 'demo');
    assert.match(
      ok('get', 'quota', 'q1', '-n', 'demo'),
      /^NAME\s+REQUEST\s+LIMIT\s+AGE\nq1\s+pods: 0\/0\s+limits\.cpu: 0\/0/,
    );
    // A job made from a cronjob's template.
    ok('create', 'job', 'from-cj', '--from=cronjob/cj1', '-n', 'demo');
  });

  it('reads the kinds kube-apiserver serves without workload controllers', () => {
    ok(
      'get',
      'replicasets,statefulsets,daemonsets,controllerrevisions,cronjobs,ingresses,ingressclasses,networkpolicies,poddisruptionbudgets,endpointslices,endpoints,limitranges,persistentvolumeclaims,podtemplates,replicationcontrollers,resourcequotas,leases,horizontalpodautoscalers',
      '-n',
      'demo',
    );
    ok(
      'get',
      'priorityclasses,storageclasses,csidrivers,csinodes,volumeattachments,runtimeclasses,persistentvolumes,validatingwebhookconfigurations,mutatingwebhookconfigurations,validatingadmissionpolicies,validatingadmissionpolicybindings',
    );
    assert.match(
      ok('get', 'priorityclasses'),
      /system-cluster-critical\s+2000000000\s+false\s+\S+\s+PreemptLowerPriority/,
    );
    assert.match(ok('get', 'componentstatuses'), /^NAME\s+STATUS\s+MESSAGE\s+ERROR\n/);
    assert.match(ok('get', 'cs', 'etcd-0'), /etcd-0\s+Healthy\s+ok/);
  });

  it('rollout history of a deployment without ReplicaSets: no history, as kube answers', () => {
    ok('create', 'deployment', 'web', '--image=nginx', '-n', 'demo');
    assert.match(ok('rollout', 'history', 'deployment/web', '-n', 'demo'), /No rollout history found/);
  });

  it("events: kube's columns, kubectl events --for, and the events.k8s.io view", async () => {
    ok('create', 'configmap', 'ev-cm', '-n', 'demo', '--from-literal=a=b');
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const r = await request(c, {
      method: 'POST',
      path: '/api/v1/namespaces/demo/events',
      who: admin,
      body: {
        metadata: { name: 'ev-cm.1' },
        involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'ev-cm', namespace: 'demo' },
        reason: 'Checked',
        message: 'checked by the e2e test',
        type: 'Normal',
        source: { component: 'e2e' },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
    assert.equal(r.code, 201, r.text);
    assert.match(
      ok('get', 'events', '-n', 'demo'),
      /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n\S+\s+Normal\s+Checked\s+configmap\/ev-cm\s+checked by the e2e test/,
    );
    assert.match(
      ok('events', '--for', 'configmap/ev-cm', '-n', 'demo'),
      /Normal\s+Checked\s+ConfigMap\/ev-cm\s+checked by the e2e test/,
    );
    assert.match(ok('get', 'events.v1.events.k8s.io', '-n', 'demo', '-o', 'name'), /event\.events\.k8s\.io\/ev-cm\.1/);
    assert.equal(
      ok('get', 'events.v1.events.k8s.io', 'ev-cm.1', '-n', 'demo', '-o', 'jsonpath={.regarding.name} {.note}'),
      'ev-cm checked by the e2e test',
    );
  });

  it('cluster-info dump completes, one file per kind', () => {
    const dir = join(c.dir, 'dump');
    ok('cluster-info', 'dump', '--output-directory', dir, '--namespaces', 'default,demo');
    for (const f of [
      'events.json',
      'replicasets.json',
      'deployments.json',
      'pods.json',
      'services.json',
      'daemonsets.json',
      'replication-controllers.json',
    ]) {
      assert.ok(existsSync(join(dir, 'demo', f)), `${f} in ${readdirSync(join(dir, 'demo')).join(',')}`);
    }
  });

  it('/openapi/v2: Swagger JSON, and the protobuf kubectl decodes', async () => {
    const r = await request(c, { path: '/openapi/v2', who: admin });
    assert.equal(r.code, 200);
    assert.equal(r.json.swagger, '2.0');
    assert.ok(r.json.definitions['io.k8s.api.core.v1.ConfigMap']);
    const pb = await request(c, {
      path: '/openapi/v2',
      who: admin,
      headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    assert.equal(pb.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    assert.equal(
      (await request(c, { path: '/openapi/v2', who: admin, headers: { 'If-None-Match': String(r.headers.etag) } }))
        .code,
      304,
    );
    // kubectl's OpenAPI v2 reader (gnostic): the SubjectAccessReview's fields, found by group-version-kind.
    const explained = ok('explain', '--output=plaintext-openapiv2', 'subjectaccessreview.spec');
    for (const f of ['resourceAttributes', 'nonResourceAttributes', 'user', 'groups'])
      assert.match(explained, new RegExp(`\\b${f}\\b`));
  });

  it("creates the controllers' default bindings, and they grant what kube's do", () => {
    const b = JSON.parse(ok('get', 'clusterrolebinding', 'system:controller:namespace-controller', '-o', 'json'));
    assert.equal(b.roleRef.name, 'system:controller:namespace-controller');
    assert.deepEqual(b.subjects, [{ kind: 'ServiceAccount', name: 'namespace-controller', namespace: 'kube-system' }]);
    const names = ok('get', 'clusterrolebindings', '-o', 'name')
      .split('\n')
      .filter((n) => n.includes('system:controller:'));
    assert.equal(names.length, 37);
    assert.equal(
      ok(
        'auth',
        'can-i',
        'create',
        'pods',
        '-n',
        'demo',
        '--as',
        'system:serviceaccount:kube-system:job-controller',
      ).trim(),
      'yes',
    );
    assert.equal(
      k(
        'auth',
        'can-i',
        'get',
        'secrets',
        '-n',
        'demo',
        '--as',
        'system:serviceaccount:kube-system:job-controller',
      ).out.trim(),
      'no',
    );
  });
});
