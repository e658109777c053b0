// The kauth console: sign-in, then one view per question (who am I, access matrix, who can, RBAC graph,
// certificate requests, certificate expiry). Views are chosen by the URL fragment (#/matrix), so the browser's
// back button and links work and the server needs no routes beyond the static files.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, clearSession, loadSession, saveSession, type Session } from './api';
import { ErrorBox } from './components';
import { SELF_SUBJECT_REVIEW, type SelfSubjectReview, type UserInfo } from './identity';
import { CertificatesView } from './views/certificates';
import { CsrView } from './views/csrs';
import { GraphView } from './views/graph';
import { MatrixView } from './views/matrix';
import { WhoAmIView } from './views/whoami';
import { WhoCanView } from './views/whocan';
import './style.css';

export interface ViewProps {
  api: Api;
  me: UserInfo;
}

const VIEWS: { path: string; label: string; view: (p: ViewProps) => preact.JSX.Element }[] = [
  { path: 'whoami', label: 'Who am I', view: WhoAmIView },
  { path: 'matrix', label: 'Access matrix', view: MatrixView },
  { path: 'who-can', label: 'Who can', view: WhoCanView },
  { path: 'graph', label: 'RBAC graph', view: GraphView },
  { path: 'csrs', label: 'Certificate requests', view: CsrView },
  { path: 'certificates', label: 'Certificate expiry', view: CertificatesView },
];

function currentPath(): string {
  const p = location.hash.replace(/^#\/?/, '');
  return VIEWS.some((v) => v.path === p) ? p : 'whoami';
}

async function whoAmI(api: Api): Promise<UserInfo> {
  const r = await api.create<SelfSubjectReview>(
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    SELF_SUBJECT_REVIEW,
  );
  return r.status.userInfo;
}

function SignIn({ onSignedIn }: { onSignedIn: (s: Session, me: UserInfo) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const attempt = async (s: Session) => {
    setBusy(true);
    setError(undefined);
    try {
      const me = await whoAmI(new Api(s));
      if (s.mode === 'certificate' && me.username === 'system:anonymous') {
        throw new Error(
          'The browser presented no client certificate the server accepts: you would be system:anonymous.',
        );
      }
      onSignedIn(s, me);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="signin">
      <h1>kauth console</h1>
      <p>Every request goes to the Kubernetes API as you. A token is kept in this tab's session storage only.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) void attempt({ mode: 'token', token: token.trim() });
        }}
      >
        <label for="token">Bearer token</label>
        <textarea
          id="token"
          name="token"
          rows={4}
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(e) => setToken((e.target as HTMLTextAreaElement).value)}
          placeholder="eyJhbGciOi…"
        />
        <div class="row">
          <button type="submit" disabled={busy || !token.trim()}>
            Sign in with token
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={() => void attempt({ mode: 'certificate' })}>
            Use my client certificate
          </button>
        </div>
      </form>
      <ErrorBox error={error} title="Sign-in failed" />
    </main>
  );
}

function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [me, setMe] = useState<UserInfo>();
  const [error, setError] = useState<unknown>();
  const [path, setPath] = useState(currentPath);
  const api = useMemo(() => (session ? new Api(session) : undefined), [session]);

  useEffect(() => {
    const onHash = () => setPath(currentPath());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  // A stored session (page reload) is checked again before anything is shown.
  useEffect(() => {
    if (!session || me) return;
    whoAmI(new Api(session)).then(setMe, (e) => {
      clearSession();
      setSession(undefined);
      setError(e);
    });
  }, [session]);
  useEffect(() => {
    const v = VIEWS.find((x) => x.path === path);
    document.title = `${v?.label ?? 'kauth'} · kauth console`;
  }, [path]);

  if (!session || (!me && error)) {
    return (
      <>
        <SignIn
          onSignedIn={(s, who) => {
            saveSession(s);
            setSession(s);
            setMe(who);
            setError(undefined);
          }}
        />
        {error ? (
          <div class="signin">
            <ErrorBox error={error} title="Your session ended" />
          </div>
        ) : null}
      </>
    );
  }
  if (!me || !api)
    return (
      <p class="busy" role="status">
        Signing in…
      </p>
    );
  const View = VIEWS.find((v) => v.path === path)!.view;
  const signOut = () => {
    clearSession();
    setSession(undefined);
    setMe(undefined);
  };
  return (
    <>
      {/* A button, not a link: the console routes by the URL's hash, so `#main` would be read as a page. */}
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header>
        <span class="brand">kauth console</span>
        <span class="me" title={(me.groups ?? []).join(', ')}>
          Signed in as <strong data-testid="username">{me.username}</strong>
          {session.mode === 'certificate' ? ' (client certificate)' : ''}
        </span>
        <button type="button" class="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      <nav aria-label="Views">
        <ul>
          {VIEWS.map((v) => (
            <li key={v.path}>
              <a href={`#/${v.path}`} aria-current={v.path === path ? 'page' : undefined}>
                {v.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <View key={path} api={api} me={me} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
