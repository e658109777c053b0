// Who can VERB RESOURCE [NAME] in NAMESPACE: the RBAC objects are listed through the API and evaluated here with
// the same engine the server and `kauth who-can` use (src/access/who-can.ts, bundled). Authorizers other than RBAC
// and system:masters (Node, webhook) are not modelled, as in the CLI.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { parseAccessRequest, describeRequestTarget } from '../../access/request.js';
import type { ServedResource } from '../../access/served-resources.js';
import { whoCanInWorld, type WhoCanResult } from '../../access/who-can.js';
import { RbacWorld, type RbacObject } from '../../access/world.js';
import { Busy, ErrorBox, Section } from '../components';
import { groupResource, servedResources } from '../discovery';
import type { ViewProps } from '../main';
import { listRbacObjects } from '../rbac';

const VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'impersonate',
  'bind',
  'escalate',
  'approve',
  'sign',
  '*',
];

export function WhoCanView({ api }: ViewProps) {
  const [verb, setVerb] = useState('get');
  const [resource, setResource] = useState('secrets');
  const [name, setName] = useState('');
  const [namespace, setNamespace] = useState('default');
  const [objects, setObjects] = useState<RbacObject[]>();
  const [served, setServed] = useState<ServedResource[]>();
  const [result, setResult] = useState<WhoCanResult & { warning?: string }>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    Promise.all([listRbacObjects(api), servedResources(api)]).then(([o, s]) => {
      setObjects(o);
      setServed(s);
    }, setError);
  }, [api]);
  const world = useMemo(() => (objects ? new RbacWorld(objects) : undefined), [objects]);

  const ask = () => {
    if (!world || !served) return;
    const parsed = parseAccessRequest(verb.trim(), resource.trim(), name.trim() || undefined, namespace.trim(), served);
    setResult({ ...whoCanInWorld(world, parsed.request), warning: parsed.warning });
  };
  useEffect(ask, [world]);

  return (
    <Section title="Who can">
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          ask();
        }}
      >
        <label for="wc-verb">Verb</label>
        <input
          id="wc-verb"
          list="wc-verbs"
          value={verb}
          size={10}
          onInput={(e) => setVerb((e.target as HTMLInputElement).value)}
          required
        />
        <datalist id="wc-verbs">
          {VERBS.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
        <label for="wc-resource">Resource</label>
        <input
          id="wc-resource"
          list="wc-resources"
          value={resource}
          placeholder="pods/exec, deployments.apps, /healthz"
          onInput={(e) => setResource((e.target as HTMLInputElement).value)}
          required
        />
        <datalist id="wc-resources">
          {served?.map((r) => (
            <option key={groupResource(r)} value={groupResource(r)} />
          ))}
        </datalist>
        <label for="wc-name">Name</label>
        <input
          id="wc-name"
          value={name}
          size={12}
          placeholder="any"
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
        />
        <label for="wc-ns">Namespace</label>
        <input
          id="wc-ns"
          value={namespace}
          size={12}
          placeholder="cluster scope"
          onInput={(e) => setNamespace((e.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={!world}>
          Search
        </button>
      </form>
      <ErrorBox error={error} />
      {!objects && !error ? <Busy>Listing roles and bindings…</Busy> : null}
      {result ? (
        <>
          {result.warning ? <p class="note">{result.warning}</p> : null}
          <div class="scroll">
            <table data-testid="who-can">
              <caption>
                Who can{' '}
                <strong>
                  {result.request.verb} {describeRequestTarget(result.request)}
                </strong>
                {result.request.name ? ` named ${result.request.name}` : ''}
                {result.request.namespace ? ` in ${result.request.namespace}` : ' at cluster scope'}:{' '}
                {result.entries.length} subjects
              </caption>
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Granted by</th>
                  <th scope="col">Role</th>
                </tr>
              </thead>
              <tbody>
                {result.entries.map((e, i) => (
                  <tr key={i}>
                    <td>{e.subject.kind}</td>
                    <td>
                      {e.subject.namespace ? `${e.subject.namespace}/` : ''}
                      {e.subject.name}
                    </td>
                    <td>
                      {e.binding
                        ? `${e.binding.kind} ${e.binding.namespace ? `${e.binding.namespace}/` : ''}${e.binding.name}`
                        : e.authorizer}
                    </td>
                    <td>{e.role ? `${e.role.kind} ${e.role.name}` : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {result.errors.length ? (
            <details>
              <summary>{result.errors.length} bindings could not be resolved</summary>
              <ul>
                {result.errors.map((x) => (
                  <li key={x}>{x}</li>
                ))}
              </ul>
            </details>
          ) : null}
        </>
      ) : null}
    </Section>
  );
}
