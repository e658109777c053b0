// Certificate expiry on a timeline: the cluster's CAs as the API publishes them (the kube-root-ca.crt ConfigMap,
// the client and front-proxy CAs in kube-system/extension-apiserver-authentication) and every certificate issued
// through a CSR (status.certificate). Each source is read as the signed-in user; a refused one shows its 403.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { Busy, day, ErrorBox, Section } from '../components';
import type { ViewProps } from '../main';
import type { CertInfo } from '../x509';
import type { Csr } from './csrs';

interface Entry extends CertInfo {
  source: string;
}

interface ConfigMap {
  data?: Record<string, string>;
}

const DAY = 86_400_000;
const SOON_DAYS = 30;

function state(e: Entry, now: number): 'expired' | 'soon' | 'ok' {
  if (e.notAfter.getTime() <= now) return 'expired';
  return e.notAfter.getTime() - now < SOON_DAYS * DAY ? 'soon' : 'ok';
}

function Timeline({ entries, now }: { entries: Entry[]; now: number }) {
  const start = Math.min(now, ...entries.map((e) => e.notBefore.getTime()));
  const end = Math.max(now + DAY, ...entries.map((e) => e.notAfter.getTime()));
  const W = 1000,
    LABEL = 0,
    ROW = 22,
    TOP = 28;
  const x = (t: number) => LABEL + ((t - start) / (end - start)) * (W - LABEL - 10);
  const height = TOP + ROW * entries.length + 10;
  const years: number[] = [];
  for (let y = new Date(start).getUTCFullYear() + 1; Date.UTC(y, 0, 1) < end && years.length < 40; y++) years.push(y);
  return (
    <div class="scroll timeline">
      <svg
        viewBox={`0 0 ${W} ${height}`}
        role="img"
        aria-label={`Validity of ${entries.length} certificates from ${day(new Date(start))} to ${day(new Date(end))}; the table below lists them`}
      >
        {years.map((y) => {
          const tx = x(Date.UTC(y, 0, 1));
          return (
            <g key={y}>
              <line class="tick" x1={tx} x2={tx} y1={14} y2={height} />
              <text class="tick-label" x={tx + 3} y={12}>
                {y}
              </text>
            </g>
          );
        })}
        {entries.map((e, i) => {
          const x1 = x(e.notBefore.getTime()),
            x2 = Math.max(x1 + 2, x(e.notAfter.getTime()));
          const y = TOP + i * ROW;
          const short = e.subject.replace(/^CN=/, '');
          return (
            <g key={i} class={`bar ${state(e, now)}`}>
              <title>{`${e.subject} (${e.source}): ${day(e.notBefore)} → ${day(e.notAfter)}`}</title>
              <rect x={x1} y={y} width={x2 - x1} height={ROW - 6} rx={3} />
              <text
                class={x2 - x1 > 240 ? 'inside' : undefined}
                x={x2 - x1 > 240 ? x1 + 6 : Math.min(x2 + 6, W - 200)}
                y={y + 12}
              >
                {short.length > 40 ? `${short.slice(0, 39)}…` : short}
              </text>
            </g>
          );
        })}
        <line class="now" x1={x(now)} x2={x(now)} y1={14} y2={height} />
        <text class="now-label" x={x(now) + 3} y={24}>
          now
        </text>
      </svg>
    </div>
  );
}

export function CertificatesView({ api }: ViewProps) {
  const [entries, setEntries] = useState<Entry[]>();
  const [errors, setErrors] = useState<[string, unknown][]>([]);
  const [now] = useState(Date.now);

  useEffect(() => {
    const errs: [string, unknown][] = [];
    const sources: Promise<[string, string][]>[] = [
      api
        .get<ConfigMap>('/api/v1/namespaces/kube-system/configmaps/kube-root-ca.crt')
        .then((cm) => [['cluster CA (kube-root-ca.crt)', cm.data?.['ca.crt'] ?? '']] as [string, string][]),
      api.get<ConfigMap>('/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication').then(
        (cm) =>
          [
            ['client CA', cm.data?.['client-ca-file'] ?? ''],
            ['front-proxy CA', cm.data?.['requestheader-client-ca-file'] ?? ''],
          ] as [string, string][],
      ),
      api.get<{ items: Csr[] }>('/apis/certificates.k8s.io/v1/certificatesigningrequests').then(async (l) => {
        const x = await import('../x509');
        return l.items
          .filter((c) => c.status?.certificate)
          .map((c) => [`CSR ${c.metadata.name}`, x.pemFromBase64(c.status!.certificate!)] as [string, string]);
      }),
    ];
    const labels = [
      'kube-system/kube-root-ca.crt',
      'kube-system/extension-apiserver-authentication',
      'certificate signing requests',
    ];
    Promise.all(
      sources.map((p, i) =>
        p.catch((e) => {
          // A ConfigMap that does not exist is not an error worth a red box; a refusal is.
          if (!(e instanceof ApiError && e.code === 404)) errs.push([labels[i]!, e]);
          return [] as [string, string][];
        }),
      ),
    ).then(
      async (lists) => {
        const x = await import('../x509');
        const out: Entry[] = [];
        const seen = new Set<string>();
        for (const [source, pem] of lists.flat()) {
          if (!pem) continue;
          try {
            for (const c of x.parseCertificates(pem)) {
              const key = `${c.issuer}|${c.serial}`;
              if (seen.has(key)) continue; // the client CA is usually the cluster CA again
              seen.add(key);
              out.push({ ...c, source });
            }
          } catch (e) {
            errs.push([source, e]);
          }
        }
        out.sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime());
        setErrors(errs);
        setEntries(out);
      },
      (e) => setErrors([['certificates', e]]),
    );
  }, [api]);

  return (
    <Section title="Certificate expiry">
      {errors.map(([source, e]) => (
        <ErrorBox key={source} error={e} title={`Could not read ${source}`} />
      ))}
      {!entries ? <Busy /> : null}
      {entries && !entries.length ? <p>No certificates readable with your rights.</p> : null}
      {entries?.length ? (
        <>
          <p class="legend">
            <span class="key ok" /> valid <span class="key soon" /> expires within {SOON_DAYS} days{' '}
            <span class="key expired" /> expired
          </p>
          <Timeline entries={entries} now={now} />
          <div class="scroll">
            <table data-testid="certificates">
              <caption>{entries.length} certificates, soonest expiry first</caption>
              <thead>
                <tr>
                  <th scope="col">Subject</th>
                  <th scope="col">Source</th>
                  <th scope="col">Issuer</th>
                  <th scope="col">Not before</th>
                  <th scope="col">Not after</th>
                  <th scope="col">Days left</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e, i) => (
                  <tr key={i} class={state(e, now)}>
                    <th scope="row">
                      {e.subject}
                      {e.isCa ? ' (CA)' : ''}
                    </th>
                    <td>{e.source}</td>
                    <td>{e.issuer}</td>
                    <td>{day(e.notBefore)}</td>
                    <td>{day(e.notAfter)}</td>
                    <td>{Math.floor((e.notAfter.getTime() - now) / DAY)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </Section>
  );
}
