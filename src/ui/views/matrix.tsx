// The access matrix of a subject (resources × verbs, like rakkess): one access review per cell, answered by the
// server's own authorizer chain, so every cell is what the API would decide. For myself a
// SelfSubjectAccessReview (anyone may ask about themselves); for another subject a SubjectAccessReview, which
// needs `create subjectaccessreviews` — without it the API's 403 is shown.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ServedResource } from '../../access/served-resources.js';
import { mapLimit, type Api } from '../api';
import { Busy, ErrorBox, Section } from '../components';
import { groupResource, servedResources } from '../discovery';
import { parseGroups, serviceAccountUser, type UserInfo } from '../identity';
import type { ViewProps } from '../main';

export const MATRIX_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const AUTHZ = '/apis/authorization.k8s.io/v1';

type Cell = boolean | undefined; // undefined: the resource does not serve the verb

interface Matrix {
  subject: string;
  namespace: string;
  rows: { resource: ServedResource; cells: Cell[] }[];
}

interface Review {
  status: { allowed: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

type SubjectKind = 'me' | 'user' | 'serviceaccount';

/** One review: self or another subject, at the resource's scope (cluster-scoped resources ignore the namespace). */
async function review(
  api: Api,
  who: UserInfo | undefined,
  r: ServedResource,
  verb: string,
  namespace: string,
  signal: AbortSignal,
): Promise<boolean> {
  const resourceAttributes = { namespace: r.namespaced ? namespace : '', verb, group: r.group, resource: r.resource };
  const body = who
    ? {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: who.username, groups: who.groups, resourceAttributes },
      }
    : { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } };
  const res = await api.call<Review>(`${AUTHZ}/${who ? 'subjectaccessreviews' : 'selfsubjectaccessreviews'}`, {
    method: 'POST',
    body,
    signal,
  });
  return res.status.allowed;
}

export function MatrixView({ api, me }: ViewProps) {
  const [kind, setKind] = useState<SubjectKind>('me');
  const [user, setUser] = useState('');
  const [groups, setGroups] = useState('');
  const [saNamespace, setSaNamespace] = useState('default');
  const [saName, setSaName] = useState('');
  const [namespace, setNamespace] = useState('default');
  const [filter, setFilter] = useState('');
  const [onlyAllowed, setOnlyAllowed] = useState(false);
  const [served, setServed] = useState<ServedResource[]>();
  const [matrix, setMatrix] = useState<Matrix>();
  const [progress, setProgress] = useState<[number, number]>();
  const [error, setError] = useState<unknown>();
  const running = useRef<AbortController>();

  useEffect(() => {
    servedResources(api).then(setServed, setError);
    return () => running.current?.abort();
  }, [api]);

  const run = async () => {
    if (!served) return;
    running.current?.abort();
    const ctl = new AbortController();
    running.current = ctl;
    let who: UserInfo | undefined;
    if (kind === 'user') who = { username: user.trim(), groups: parseGroups(groups) };
    if (kind === 'serviceaccount') who = serviceAccountUser(saNamespace.trim(), saName.trim());
    const subject = who ? who.username : me.username;
    const ns = namespace.trim();
    const jobs: [number, number][] = [];
    served.forEach((r, i) =>
      MATRIX_VERBS.forEach((v, j) => {
        if (r.verbs.includes(v)) jobs.push([i, j]);
      }),
    );
    const rows = served.map((resource) => ({ resource, cells: MATRIX_VERBS.map((): Cell => undefined) }));
    setError(undefined);
    setMatrix(undefined);
    setProgress([0, jobs.length]);
    try {
      await mapLimit(
        jobs,
        8,
        async ([i, j]) => {
          if (ctl.signal.aborted) return;
          rows[i]!.cells[j] = await review(api, who, served[i]!, MATRIX_VERBS[j]!, ns, ctl.signal);
        },
        (n) => {
          if (n % 20 === 0 || n === jobs.length) setProgress([n, jobs.length]);
        },
      );
      if (!ctl.signal.aborted) setMatrix({ subject, namespace: ns, rows });
    } catch (e) {
      ctl.abort();
      if ((e as Error).name !== 'AbortError') setError(e);
    } finally {
      if (running.current === ctl) setProgress(undefined);
    }
  };

  const needle = filter.trim().toLowerCase();
  const rows = matrix?.rows.filter(
    (r) => (!needle || groupResource(r.resource).includes(needle)) && (!onlyAllowed || r.cells.some((c) => c === true)),
  );
  const valid =
    kind === 'me' || (kind === 'user' ? user.trim() !== '' : saName.trim() !== '' && saNamespace.trim() !== '');
  return (
    <Section title="Access matrix">
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <fieldset>
          <legend>Subject</legend>
          <div class="row">
            {(
              [
                ['me', `Me (${me.username})`],
                ['user', 'User and groups'],
                ['serviceaccount', 'Service account'],
              ] as const
            ).map(([k, label]) => (
              <label key={k} class="radio">
                <input type="radio" name="subject-kind" value={k} checked={kind === k} onChange={() => setKind(k)} />{' '}
                {label}
              </label>
            ))}
          </div>
          {kind === 'user' ? (
            <div class="row">
              <label for="m-user">User</label>
              <input id="m-user" value={user} onInput={(e) => setUser((e.target as HTMLInputElement).value)} required />
              <label for="m-groups">Groups</label>
              <input
                id="m-groups"
                value={groups}
                placeholder="devs, system:authenticated"
                onInput={(e) => setGroups((e.target as HTMLInputElement).value)}
              />
            </div>
          ) : null}
          {kind === 'serviceaccount' ? (
            <div class="row">
              <label for="m-sa-ns">Namespace</label>
              <input
                id="m-sa-ns"
                value={saNamespace}
                onInput={(e) => setSaNamespace((e.target as HTMLInputElement).value)}
                required
              />
              <label for="m-sa">Name</label>
              <input
                id="m-sa"
                value={saName}
                onInput={(e) => setSaName((e.target as HTMLInputElement).value)}
                required
              />
            </div>
          ) : null}
        </fieldset>
        <div class="row">
          <label for="m-ns">Namespace</label>
          <input
            id="m-ns"
            value={namespace}
            placeholder="empty: all namespaces"
            onInput={(e) => setNamespace((e.target as HTMLInputElement).value)}
          />
          <button type="submit" disabled={!served || !valid}>
            Show access
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {!served && !error ? <Busy>Reading discovery…</Busy> : null}
      {progress ? (
        <Busy>
          Asking the API: {progress[0]} of {progress[1]} reviews…
        </Busy>
      ) : null}
      {matrix && rows ? (
        <>
          <div class="row">
            <label for="m-filter">Filter resources</label>
            <input
              id="m-filter"
              type="search"
              value={filter}
              onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
            />
            <label class="radio">
              <input
                type="checkbox"
                checked={onlyAllowed}
                onChange={(e) => setOnlyAllowed((e.target as HTMLInputElement).checked)}
              />{' '}
              Only rows with some access
            </label>
          </div>
          <div class="scroll">
            <table class="matrix" data-testid="matrix">
              <caption>
                Access of <strong>{matrix.subject}</strong>{' '}
                {matrix.namespace ? (
                  <>
                    in namespace <strong>{matrix.namespace}</strong>
                  </>
                ) : (
                  'in all namespaces'
                )}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Resource</th>
                  {MATRIX_VERBS.map((v) => (
                    <th scope="col" key={v}>
                      {v}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map(({ resource, cells }) => {
                  const name = groupResource(resource);
                  return (
                    <tr key={name}>
                      <th scope="row">{name}</th>
                      {cells.map((c, j) => {
                        const verb = MATRIX_VERBS[j]!;
                        const word = c === undefined ? 'not served' : c ? 'allowed' : 'denied';
                        return (
                          <td
                            key={verb}
                            class={`cell ${word.replace(' ', '-')}`}
                            data-cell={`${name}/${verb}`}
                            data-access={word}
                            title={`${verb} ${name}: ${word}`}
                          >
                            <span aria-hidden="true">{c === undefined ? '' : c ? '✔' : '✖'}</span>
                            <span class="sr-only">{word}</span>
                          </td>
                        );
                      })}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </Section>
  );
}
