// Small shared pieces: kube's error message shown as is, a busy line, kubectl-style ages.
import type { ComponentChildren } from 'preact';
import { ApiError } from './api';

/** A failed call's message — for a 403, kube's own "… is forbidden: User … cannot …" — never a blank page. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e = error as Error;
  const code =
    error instanceof ApiError && error.code ? ` (${error.code}${error.reason ? ` ${error.reason}` : ''})` : '';
  return (
    <div class="error" role="alert">
      <strong>
        {title ?? 'The API refused'}
        {code}:
      </strong>{' '}
      <span class="error-message">{e.message}</span>
    </div>
  );
}

export function Busy({ children }: { children?: ComponentChildren }) {
  return (
    <p class="busy" role="status" aria-live="polite">
      {children ?? 'Loading…'}
    </p>
  );
}

export function Section({
  title,
  children,
  actions,
}: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <section aria-labelledby={`h-${slug(title)}`}>
      <div class="section-head">
        <h2 id={`h-${slug(title)}`}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** kubectl's duration style: 45s, 12m, 5h, 3d, 2y. */
export function age(from: string | Date | undefined, now = Date.now()): string {
  if (!from) return '<unknown>';
  const s = Math.max(0, Math.floor((now - new Date(from).getTime()) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  if (s < 365 * 86400 * 2) return `${Math.floor(s / 86400)}d`;
  return `${Math.floor(s / (365 * 86400))}y`;
}

export function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}
