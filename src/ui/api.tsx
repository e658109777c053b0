// The console's only way to data: kauth's (or any cluster's) Kubernetes API on the page's own origin, as the
// signed-in user. A bearer token lives in sessionStorage only (gone with the tab); with a client certificate the
// browser presents it in the TLS handshake and nothing is stored at all.

export type Session = { mode: 'token'; token: string } | { mode: 'certificate' };

const SESSION_KEY = 'kauth.console.session';

export function loadSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Session;
    if (s.mode === 'certificate' || (s.mode === 'token' && typeof s.token === 'string' && s.token)) return s;
  } catch {
    // A damaged entry is the same as none.
  }
  return undefined;
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
}

export function clearSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** A kube Status (metav1.Status) as the API returns it on failure. */
export interface Status {
  kind: 'Status';
  message?: string;
  reason?: string;
  code?: number;
}

/** A failed API call: kube's own Status message, shown to the user as is. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiOptions {
  method?: string;
  body?: unknown;
  accept?: string;
  signal?: AbortSignal;
}

export class Api {
  constructor(readonly session: Session) {}

  async call<T>(path: string, o: ApiOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: o.accept ?? 'application/json' };
    if (this.session.mode === 'token') headers.Authorization = `Bearer ${this.session.token}`;
    if (o.body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, {
        method: o.method ?? 'GET',
        headers,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
        credentials: 'same-origin',
        cache: 'no-store',
        redirect: 'error',
        signal: o.signal,
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new ApiError(0, 'NetworkError', `The API server did not answer: ${(e as Error).message}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const st = json as Status | undefined;
      const message = st?.kind === 'Status' && st.message ? st.message : text.trim() || res.statusText;
      throw new ApiError(res.status, st?.reason ?? '', message);
    }
    return json as T;
  }

  get<T>(path: string, o: Omit<ApiOptions, 'method' | 'body'> = {}): Promise<T> {
    return this.call<T>(path, o);
  }

  create<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>(path, { method: 'POST', body });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>(path, { method: 'PUT', body });
  }
}

/** Runs fn over items with at most `limit` in flight (the browser allows ~6 connections per origin anyway). */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
  onDone?: (n: number) => void,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  creationTimestamp?: string;
  resourceVersion?: string;
  uid?: string;
}

export interface List<T> {
  items: T[];
  metadata?: { continue?: string };
}

/** Every item of a list, following `continue` tokens in pages of 500 (kubectl's chunk size). */
export async function listAll<T>(api: Api, path: string): Promise<T[]> {
  const items: T[] = [];
  let cont = '';
  for (let page = 0; page < 1000; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const l = await api.get<List<T>>(`${path}${sep}limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    items.push(...l.items);
    cont = l.metadata?.continue ?? '';
    if (!cont) break;
  }
  return items;
}
