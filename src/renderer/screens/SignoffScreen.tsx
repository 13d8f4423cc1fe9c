// The officer's sign-off: a large QR with the evidence the booth gathered,
// signed by the booth, for an officer's phone; a countdown to its renewal
// (the core renews it in its last 30 s, the screen asks as it runs out);
// plain words for the citizen (call an officer) and for the officer; and
// the booth camera, which reads the officer's approval QR when the booth
// cannot hear the upstream. The decision arrives as a new step (done, or
// the service desk), never as something this screen decides.
import { useEffect, useRef, useState } from 'react';
import type { BoothError } from '../../shared/contract/result';
import type { SignoffToken } from '../../shared/contract/schemas';
import { useJourney, useT } from '../context';
import type { MessageKey } from '../i18n';
import { StepFrame } from '../components/StepFrame';
import { startApprovalScanner } from '../signoff/approvalScanner';
import { speaker } from '../speech/speaker';
import { speechItems } from '../speech/useSpeech';

/** Ask again this long before the token expires: the core renews within its last 30 s. */
const RENEW_AHEAD_MS = 25_000;

/** What the screen says for each reason the core refused an approval QR. */
export function approvalProblemKey(reason: string | undefined): MessageKey {
  switch (reason) {
    case 'NOT_CERTIFIED':
    case 'CERTIFICATE_EXPIRED':
    case 'BAD_SIGNATURE':
    case 'NOT_YET_VALID':
    case 'EXPIRED':
    case 'OTHER_ENROLLMENT':
    case 'REPLAYED':
      return `signoff.approval.${reason}`;
    case 'WRONG_PREFIX':
      return 'signoff.scan.notApproval';
    default:
      return 'signoff.approval.damaged';
  }
}

export function SignoffScreen() {
  const t = useT();
  const requestSignoff = useJourney((state) => state.requestSignoff);
  const scanApproval = useJourney((state) => state.scanApproval);
  const [token, setToken] = useState<SignoffToken | null>(null);
  const [error, setError] = useState<BoothError | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [run, setRun] = useState(0);
  const [scanProblem, setScanProblem] = useState<MessageKey | null>(null);
  const [checking, setChecking] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const language = useJourney((state) => state.session?.language ?? 'id');

  // A refused approval is said aloud too: the officer may be looking at the phone, not the screen.
  useEffect(() => {
    if (scanProblem) speaker.say(speechItems([scanProblem], [language]), 'screen');
  }, [scanProblem, language]);

  // The token, and again whenever it is about to run out.
  useEffect(() => {
    let current = true;
    void requestSignoff().then((answer) => {
      if (!current) return;
      if ('token' in answer) {
        setToken(answer.token);
        setError(null);
      } else setError(answer.error);
    });
    return () => {
      current = false;
    };
  }, [requestSignoff, run]);

  // The countdown, and the renewal as it runs out (asked each second until the renewed token has come).
  const expiresAt = token?.expiresAt ?? null;
  useEffect(() => {
    const timer = setInterval(() => {
      const at = Date.now();
      setNow(at);
      if (expiresAt !== null && expiresAt - at < RENEW_AHEAD_MS) setRun((n) => n + 1);
    }, 1000);
    return () => clearInterval(timer);
  }, [expiresAt]);

  // The booth camera reads the officer's approval QR once the officer asks for it (the citizen is not filmed meanwhile), with
  // or without the upstream: whichever brings the decision first.
  const camera = token?.camera ?? null;
  const [scanning, setScanning] = useState(false);
  useEffect(() => {
    if (!camera || !scanning || !video.current) return;
    const scanner = startApprovalScanner(video.current, camera, {
      onCode(text) {
        setChecking(true);
        void scanApproval(text).then((refused) => {
          setChecking(false);
          setScanProblem(refused ? approvalProblemKey(refused.reason) : null);
        });
      },
      onOther: () => setScanProblem('signoff.scan.notApproval'),
      onProblem: () => setScanProblem('signoff.scan.cameraProblem'),
    });
    return () => scanner.stop();
  }, [camera, scanning, scanApproval]);

  if (error && error.code !== 'STEP_UNAVAILABLE') {
    return (
      <StepFrame
        step="signoff"
        instruction="common.error.generic"
        actions={
          <button type="button" className="button button-primary" onClick={() => setRun((n) => n + 1)} data-testid="signoff-retry">
            {t('common.retry')}
          </button>
        }
      >
        <p className="lead">{t('common.error.generic')}</p>
      </StepFrame>
    );
  }
  const secondsLeft = token ? Math.max(0, Math.ceil((token.expiresAt - RENEW_AHEAD_MS - now) / 1000)) : 0;
  return (
    <StepFrame step="signoff" instruction="signoff.title" spokenDetail={token && !token.online ? ['signoff.offline'] : undefined}>
      <div className="signoff">
        <div className="signoff-code">
          {token ? (
            <svg
              className="signoff-qr"
              viewBox={`-4 -4 ${token.qr.size + 8} ${token.qr.size + 8}`}
              role="img"
              aria-label={t('signoff.qrLabel')}
              shapeRendering="crispEdges"
              data-testid="signoff-qr"
              data-token={token.text}
              data-version={token.qr.version}
            >
              <rect x={-4} y={-4} width={token.qr.size + 8} height={token.qr.size + 8} fill="#fff" />
              <path d={token.qr.path} fill="#000" />
            </svg>
          ) : (
            <p className="lead" aria-live="polite">
              {t('common.busy')}
            </p>
          )}
          {token && (
            <p className="signoff-renews" data-testid="signoff-renews">
              {t('signoff.renews', { seconds: secondsLeft })}
            </p>
          )}
        </div>
        <div className="signoff-text">
          <p className="lead">{t('signoff.hint')}</p>
          {token && (
            <p className="signoff-officer" data-testid="signoff-officer">
              {t('signoff.forOfficer', { last4: token.nikLast4 })}
            </p>
          )}
          <p aria-live="polite" data-testid="signoff-waiting">
            {token && !token.online ? t('signoff.offline') : t('signoff.waiting')}
          </p>
          {camera && !scanning && (
            <button type="button" className="button button-secondary" onClick={() => setScanning(true)} data-testid="signoff-scan">
              {t('signoff.scan.start')}
            </button>
          )}
          {camera && scanning && (
            <div className="signoff-scan">
              <p className="field-label">{t('signoff.scan.title')}</p>
              <video ref={video} className="signoff-video" muted playsInline aria-hidden="true" />
              <p className="problem" role="status" aria-live="assertive" data-testid="signoff-scan-problem">
                {checking ? t('signoff.scan.checking') : scanProblem ? t(scanProblem) : ''}
              </p>
              <button
                type="button"
                className="button button-secondary"
                onClick={() => {
                  setScanning(false);
                  setScanProblem(null);
                }}
                data-testid="signoff-scan-stop"
              >
                {t('signoff.scan.stop')}
              </button>
            </div>
          )}
        </div>
      </div>
    </StepFrame>
  );
}
