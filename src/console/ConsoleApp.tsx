// The officer console: log in, scan (or type) the booth's code, see the
// evidence and decide. Phone-first: one column, large touch targets.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { OfficerSessionAnswer } from '../shared/officer/console';
import { SIGNOFF_PREFIX } from '../shared/signoff/token';
import { startQrScan } from '../browser/qrScan';
import { api, setCsrfToken } from './api';
import { consoleTranslator, type ConsoleLanguage } from './messages';
import { forgetOfficerKey, newOfficerKey } from './officerKey';
import { Review } from './Review';
import { refreshBoothKeys } from './tokenCheck';

export type T = ReturnType<typeof consoleTranslator>;

export function ConsoleApp() {
  const [language, setLanguage] = useState<ConsoleLanguage>('id');
  const t = useMemo(() => consoleTranslator(language), [language]);
  const [session, setSession] = useState<OfficerSessionAnswer | null | 'loading'>('loading');
  const [token, setToken] = useState<string | null>(null);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  useEffect(() => {
    void api<OfficerSessionAnswer>('GET', '/session').then((answer) => {
      if (answer.ok) setCsrfToken(answer.value.csrfToken);
      setSession(answer.ok ? answer.value : null);
    });
  }, []);

  const loggedIn = (answer: OfficerSessionAnswer) => {
    setCsrfToken(answer.csrfToken);
    setSession(answer);
    void refreshBoothKeys();
  };
  const loggedOut = useCallback(() => setSession(null), []);
  const logout = async () => {
    await api('POST', '/logout', {});
    forgetOfficerKey();
    setSession(null);
    setToken(null);
  };

  return (
    <div className="console">
      <header className="console-header">
        <h1>{t('app.title')}</h1>
        <button type="button" className="link" onClick={() => setLanguage(language === 'id' ? 'en' : 'id')} data-testid="console-language">
          {t('app.language')}
        </button>
      </header>
      {session === 'loading' ? null : session === null ? (
        <Login t={t} onLoggedIn={loggedIn} />
      ) : (
        <>
          <p className="console-officer">
            {t('session.officer', { name: session.officer.displayName })}{' '}
            <button type="button" className="link" onClick={() => void logout()} data-testid="console-logout">
              {t('session.logout')}
            </button>
          </p>
          {token === null ? (
            <Scan t={t} onCode={setToken} />
          ) : (
            <Review
              t={t}
              locale={language === 'id' ? 'id-ID' : 'en-GB'}
              token={token}
              session={session}
              onDone={() => setToken(null)}
              onLoggedOut={loggedOut}
            />
          )}
        </>
      )}
    </div>
  );
}

function Login({ t, onLoggedIn }: { t: T; onLoggedIn(answer: OfficerSessionAnswer): void }) {
  const [officerId, setOfficerId] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const answer = await api<OfficerSessionAnswer>('POST', '/login', {
      officerId: officerId.trim(),
      password,
      officerKey: newOfficerKey(),
    });
    setBusy(false);
    setPassword('');
    if (answer.ok) return onLoggedIn(answer.value);
    if (answer.status === 0) return setProblem(t('login.offline'));
    if (answer.error.code === 'LOCKED') return setProblem(t('login.LOCKED', { seconds: answer.error.retryAfterS ?? 60 }));
    setProblem(t('login.BAD_LOGIN'));
  };
  return (
    <form className="panel" onSubmit={(event) => void submit(event)}>
      <h2>{t('login.title')}</h2>
      <label>
        {t('login.officerId')}
        <input
          value={officerId}
          onChange={(event) => setOfficerId(event.target.value)}
          autoComplete="username"
          required
          data-testid="login-id"
        />
      </label>
      <label>
        {t('login.password')}
        <input
          type="password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          autoComplete="current-password"
          required
          data-testid="login-password"
        />
      </label>
      <p className="problem" role="alert" data-testid="login-problem">
        {problem ?? ''}
      </p>
      <button type="submit" className="primary" disabled={busy} data-testid="login-submit">
        {t('login.submit')}
      </button>
    </form>
  );
}

function Scan({ t, onCode }: { t: T; onCode(text: string): void }) {
  const [typed, setTyped] = useState('');
  const [camera, setCamera] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const found = useCallback((text: string) => onCode(text), [onCode]);
  useEffect(() => {
    if (!camera || !video.current) return;
    const scan = startQrScan(
      video.current,
      () => navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1280 } }, audio: false }),
      { onText: found, onProblem: () => setProblem(t('scan.cameraProblem')) },
    );
    return () => scan.stop();
  }, [camera, found, t]);
  return (
    <section className="panel">
      <h2>{t('scan.title')}</h2>
      <p>{t('scan.hint')}</p>
      <button type="button" className="primary" onClick={() => setCamera(!camera)} data-testid="scan-camera">
        {camera ? t('scan.stopCamera') : t('scan.camera')}
      </button>
      {camera && <video ref={video} className="scan-video" muted playsInline />}
      <p className="problem" role="alert">
        {problem ?? ''}
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          // Line breaks from a paste go; spaces stay (a space is a Base45 character). Base45 has no lower case: a code typed in
          // lower case is the same code.
          const code = typed.replace(/[\r\n\t]+/g, '');
          if (code) onCode(code.toUpperCase().startsWith(SIGNOFF_PREFIX) ? code.toUpperCase() : code);
        }}
      >
        <label>
          {t('scan.typed')}
          <textarea value={typed} onChange={(event) => setTyped(event.target.value)} rows={4} spellCheck={false} data-testid="scan-text" />
        </label>
        <button type="submit" data-testid="scan-check">
          {t('scan.check')}
        </button>
      </form>
    </section>
  );
}
