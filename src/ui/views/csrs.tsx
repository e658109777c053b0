// The CertificateSigningRequest queue. Approve and deny are what `kubectl certificate approve|deny` does: add the
// condition and PUT the object to its /approval subresource, as the signed-in user — who needs update on
// certificatesigningrequests/approval and `approve` on the signer (signers resource), else the API's 403 shows.
// What each request asks for (subject, names, key) is parsed and shown before anyone approves it.
import { useEffect, useState } from 'preact/hooks';
import type { Api, ObjectMeta } from '../api';
import { age, Busy, day, ErrorBox, Section } from '../components';
import type { ViewProps } from '../main';
import type { CertInfo, CsrInfo } from '../x509';

const CSRS = '/apis/certificates.k8s.io/v1/certificatesigningrequests';

export interface Csr {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: {
    request: string;
    signerName: string;
    username?: string;
    groups?: string[];
    expirationSeconds?: number;
    usages?: string[];
  };
  status?: {
    conditions?: { type: string; status: string; reason?: string; message?: string; lastUpdateTime?: string }[];
    certificate?: string;
  };
}

/** kubectl's CONDITION column: Pending, or the conditions joined (Approved,Issued). */
export function conditionOf(c: Csr): string {
  const conds = (c.status?.conditions ?? []).filter((x) => x.status === 'True').map((x) => x.type);
  if (c.status?.certificate) conds.push('Issued');
  return conds.length ? conds.join(',') : 'Pending';
}

/** Seconds as kubectl prints a CSR's REQUESTEDDURATION (24h, 10m, 1h30m). */
function duration(s: number | undefined): string {
  if (!s) return '<none>';
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${m ? `${m}m` : ''}` : `${m}m`;
}

/** metav1.Time: RFC 3339 in whole seconds. */
function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function decide(api: Api, name: string, approve: boolean): Promise<Csr> {
  // Read the current object so the PUT carries its resourceVersion (a concurrent change gives kube's 409).
  const csr = await api.get<Csr>(`${CSRS}/${encodeURIComponent(name)}`);
  const type = approve ? 'Approved' : 'Denied';
  const conditions = (csr.status?.conditions ?? []).filter((c) => c.type !== type);
  conditions.push({
    type,
    status: 'True',
    reason: approve ? 'KauthConsoleApprove' : 'KauthConsoleDeny',
    message: `This CSR was ${approve ? 'approved' : 'denied'} in the kauth console.`,
    lastUpdateTime: now(),
  });
  const body = {
    ...csr,
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    status: { ...csr.status, conditions },
  };
  return api.put<Csr>(`${CSRS}/${encodeURIComponent(name)}/approval`, body);
}

/** After approval the signer controller issues the certificate: poll briefly until status.certificate appears. */
async function waitIssued(api: Api, name: string): Promise<Csr> {
  let csr = await api.get<Csr>(`${CSRS}/${encodeURIComponent(name)}`);
  for (
    let i = 0;
    i < 20 && !csr.status?.certificate && !(csr.status?.conditions ?? []).some((c) => c.type === 'Failed');
    i++
  ) {
    await new Promise((r) => setTimeout(r, 250));
    csr = await api.get<Csr>(`${CSRS}/${encodeURIComponent(name)}`);
  }
  return csr;
}

function Requested({ csr }: { csr: Csr }) {
  const [info, setInfo] = useState<CsrInfo | string>();
  useEffect(() => {
    import('../x509').then(
      (x) => setInfo(x.parseCsr(x.pemFromBase64(csr.spec.request))),
      (e) => setInfo(`unreadable: ${(e as Error).message}`),
    );
  }, [csr.spec.request]);
  if (info === undefined) return <span>…</span>;
  if (typeof info === 'string') return <span class="bad">{info}</span>;
  return (
    <span>
      <span data-testid="requested-subject">{info.subject || '(empty subject)'}</span>
      {info.sans.length ? (
        <>
          <br />
          <small>{info.sans.join(', ')}</small>
        </>
      ) : null}
      <br />
      <small>{info.keyAlgorithm}</small>
    </span>
  );
}

function Issued({ csr }: { csr: Csr }) {
  const [cert, setCert] = useState<CertInfo | string>();
  useEffect(() => {
    if (!csr.status?.certificate) return;
    import('../x509').then(
      (x) => setCert(x.parseCertificates(x.pemFromBase64(csr.status!.certificate!))[0] ?? 'empty'),
      (e) => setCert(`unreadable: ${(e as Error).message}`),
    );
  }, [csr.status?.certificate]);
  if (!csr.status?.certificate) return null;
  if (cert === undefined) return <span>…</span>;
  if (typeof cert === 'string') return <span class="bad">{cert}</span>;
  return (
    <span data-testid="issued">
      Issued to {cert.subject}, valid until {day(cert.notAfter)}
    </span>
  );
}

export function CsrView({ api }: ViewProps) {
  const [csrs, setCsrs] = useState<Csr[]>();
  const [error, setError] = useState<unknown>();
  const [actionError, setActionError] = useState<unknown>();
  const [busy, setBusy] = useState<string>();
  const [announce, setAnnounce] = useState('');
  const load = () =>
    api.get<{ items: Csr[] }>(CSRS).then((l) => {
      setCsrs(l.items);
      setError(undefined);
    }, setError);
  useEffect(() => {
    void load();
  }, [api]);

  const act = async (name: string, approve: boolean) => {
    setBusy(name);
    setActionError(undefined);
    try {
      await decide(api, name, approve);
      const updated = approve ? await waitIssued(api, name) : await api.get<Csr>(`${CSRS}/${encodeURIComponent(name)}`);
      setCsrs((cur) => cur?.map((c) => (c.metadata.name === name ? updated : c)));
      setAnnounce(`${name}: ${conditionOf(updated)}`);
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Section
      title="Certificate requests"
      actions={
        <button type="button" class="secondary" onClick={() => void load()}>
          Refresh
        </button>
      }
    >
      <ErrorBox error={error} />
      <ErrorBox error={actionError} title="The decision was refused" />
      <p class="sr-only" role="status" aria-live="polite">
        {announce}
      </p>
      {!csrs && !error ? <Busy /> : null}
      {csrs && !csrs.length ? <p>No certificate signing requests.</p> : null}
      {csrs?.length ? (
        <div class="scroll">
          <table data-testid="csrs" class="cards">
            <caption>{csrs.length} certificate signing requests</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Age</th>
                <th scope="col">Signer</th>
                <th scope="col">Requestor</th>
                <th scope="col">Requested</th>
                <th scope="col">Duration</th>
                <th scope="col">Condition</th>
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              {csrs.map((c) => {
                const cond = conditionOf(c);
                const name = c.metadata.name;
                return (
                  <tr key={name} data-csr={name}>
                    <th scope="row" data-label="Name">
                      {name}
                    </th>
                    <td data-label="Age">{age(c.metadata.creationTimestamp)}</td>
                    <td data-label="Signer">{c.spec.signerName}</td>
                    <td data-label="Requestor">{c.spec.username ?? ''}</td>
                    <td data-label="Requested">
                      <Requested csr={c} />
                    </td>
                    <td data-label="Duration">{duration(c.spec.expirationSeconds)}</td>
                    <td data-label="Condition">
                      <div data-testid="condition">
                        {cond}
                        <br />
                        <Issued csr={c} />
                      </div>
                    </td>
                    <td data-label="Decision">
                      <div>
                        {cond === 'Pending' ? (
                          <div class="row tight">
                            <button
                              type="button"
                              disabled={busy !== undefined}
                              aria-label={`Approve ${name}`}
                              onClick={() => void act(name, true)}
                            >
                              Approve
                            </button>
                            <button
                              type="button"
                              class="danger"
                              disabled={busy !== undefined}
                              aria-label={`Deny ${name}`}
                              onClick={() => void act(name, false)}
                            >
                              Deny
                            </button>
                          </div>
                        ) : null}
                        {busy === name ? <span role="status">Working…</span> : null}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </Section>
  );
}
