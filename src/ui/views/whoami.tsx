// Who am I (SelfSubjectReview, fetched at sign-in) and what may I do in a namespace (SelfSubjectRulesReview,
// kubectl auth can-i --list).
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ViewProps } from '../main';
import { Busy, ErrorBox, Section } from '../components';

interface RulesReview {
  status: {
    resourceRules: { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }[];
    nonResourceRules: { verbs: string[]; nonResourceURLs?: string[] }[];
    incomplete: boolean;
    evaluationError?: string;
  };
}

const list = (xs: string[] | undefined) => (xs && xs.length ? xs.join(', ') : '—');

export function WhoAmIView({ api, me }: ViewProps) {
  const [namespace, setNamespace] = useState('default');
  const [asked, setAsked] = useState('default');
  const [rules, setRules] = useState<RulesReview['status']>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setRules(undefined);
    setError(undefined);
    api
      .create<RulesReview>('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectRulesReview',
        spec: { namespace: asked },
      })
      .then((r) => setRules(r.status), setError);
  }, [api, asked]);
  return (
    <>
      <Section title="Who am I">
        <dl class="facts">
          <dt>Username</dt>
          <dd data-testid="whoami-username">{me.username}</dd>
          {me.uid ? (
            <>
              <dt>UID</dt>
              <dd>{me.uid}</dd>
            </>
          ) : null}
          <dt>Groups</dt>
          <dd>{list(me.groups)}</dd>
          {Object.entries(me.extra ?? {}).map(([k, v]) => (
            <Fragment key={k}>
              <dt>{k}</dt>
              <dd>{v.join(', ')}</dd>
            </Fragment>
          ))}
        </dl>
      </Section>
      <Section title="My rules">
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            setAsked(namespace.trim());
          }}
        >
          <label for="rules-ns">Namespace</label>
          <input id="rules-ns" value={namespace} onInput={(e) => setNamespace((e.target as HTMLInputElement).value)} />
          <button type="submit">Show rules</button>
        </form>
        <ErrorBox error={error} />
        {!rules && !error ? <Busy /> : null}
        {rules ? (
          <>
            {rules.incomplete ? (
              <p class="note">Incomplete: {rules.evaluationError || 'an authorizer cannot list its rules'}</p>
            ) : null}
            <div class="scroll">
              <table>
                <caption>Resource rules in {asked || 'the cluster scope'}</caption>
                <thead>
                  <tr>
                    <th scope="col">Resources</th>
                    <th scope="col">API groups</th>
                    <th scope="col">Names</th>
                    <th scope="col">Verbs</th>
                  </tr>
                </thead>
                <tbody>
                  {rules.resourceRules.map((r, i) => (
                    <tr key={i}>
                      <td>{list(r.resources)}</td>
                      <td>{list(r.apiGroups?.map((g) => g || '""'))}</td>
                      <td>{list(r.resourceNames)}</td>
                      <td>{list(r.verbs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div class="scroll">
              <table>
                <caption>Non-resource rules</caption>
                <thead>
                  <tr>
                    <th scope="col">URLs</th>
                    <th scope="col">Verbs</th>
                  </tr>
                </thead>
                <tbody>
                  {rules.nonResourceRules.map((r, i) => (
                    <tr key={i}>
                      <td>{list(r.nonResourceURLs)}</td>
                      <td>{list(r.verbs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
      </Section>
    </>
  );
}
