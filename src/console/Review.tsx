// One scanned code: checked in the page, then with the upstream; the
// evidence and, once the enrollment has arrived, the chip photo beside the
// best live photo; approve, or reject with a reason; then the decision as
// a QR the booth's camera can read when the booth is offline.
import { useEffect, useState } from 'react';
import type { DecisionRecord, OfficerSessionAnswer, TokenCheckAnswer } from '../shared/officer/console';
import { APPROVAL_TTL_SEC, buildApproval, rejectionReasons, type RejectionReason } from '../shared/signoff/approval';
import { qrSymbol } from '../shared/signoff/qrSymbol';
import { toHex, type SignoffClaims } from '../shared/signoff/token';
import { api } from './api';
import type { T } from './ConsoleApp';
import { consoleCatalogues, type ConsoleMessageKey } from './messages';
import { fromBase64Url, officerSigner } from './officerKey';
import { checkTokenInPage, rememberDecided } from './tokenCheck';

type Checked =
  | { state: 'checking' }
  | { state: 'refused'; reason: string }
  | { state: 'ready'; claims: SignoffClaims; boothId: string; kid: string; upstream: Extract<TokenCheckAnswer, { nonceUsed: boolean }> };

export function Review(props: { t: T; locale: string; token: string; session: OfficerSessionAnswer; onDone(): void; onLoggedOut(): void }) {
  const { t, token, onLoggedOut, locale } = props;
  const time = (seconds: number) => new Date(seconds * 1000).toLocaleTimeString(locale);
  const [checked, setChecked] = useState<Checked>({ state: 'checking' });
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState<RejectionReason>('face-mismatch');
  const [note, setNote] = useState('');
  const [decided, setDecided] = useState<{ decision: DecisionRecord; approval: string | null } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    void (async () => {
      const verdict = await checkTokenInPage(token);
      if (!verdict.ok) return current && setChecked({ state: 'refused', reason: verdict.reason });
      const answer = await api<TokenCheckAnswer>('POST', '/tokens/check', { token });
      if (!current) return;
      if (!answer.ok) {
        if (answer.error.code === 'NOT_LOGGED_IN') return onLoggedOut();
        return setChecked({ state: 'refused', reason: 'other' });
      }
      if (!answer.value.verdict.ok) return setChecked({ state: 'refused', reason: answer.value.verdict.reason });
      const upstream = answer.value as Extract<TokenCheckAnswer, { nonceUsed: boolean }>;
      setChecked({ state: 'ready', claims: verdict.claims, boothId: verdict.boothId, kid: verdict.kid, upstream });
    })();
    return () => {
      current = false;
    };
  }, [token, onLoggedOut]);

  const decide = async (decision: 'approve' | 'reject') => {
    if (checked.state !== 'ready') return;
    const answer = await api<{ decision: DecisionRecord }>('POST', '/decisions', {
      token,
      decision,
      ...(decision === 'reject' ? { reason, note: note.trim() || undefined } : {}),
    });
    if (!answer.ok) {
      if (answer.error.code === 'NOT_LOGGED_IN') return props.onLoggedOut();
      return setProblem(t('decision.failed', { message: answer.error.message }));
    }
    const nonce = toHex(checked.claims.nonce);
    rememberDecided(checked.kid, nonce);
    const sign = officerSigner();
    const now = Math.floor(Date.now() / 1000);
    const approval = sign
      ? buildApproval(
          {
            enrollmentId: checked.claims.enrollmentId,
            tokenNonce: nonce,
            issuedAt: now,
            expiresAt: now + APPROVAL_TTL_SEC,
            decision: decision === 'approve' ? { decision: 'approve' } : { decision: 'reject', reason },
          },
          fromBase64Url(props.session.certificate),
          sign,
        )
      : null;
    setDecided({ decision: answer.value.decision, approval });
  };

  if (checked.state === 'checking') return <p className="panel">{t('scan.checking')}</p>;
  if (checked.state === 'refused') {
    const named = `token.${checked.reason}`;
    const key: ConsoleMessageKey = named in consoleCatalogues.en ? (named as ConsoleMessageKey) : 'token.other';
    return (
      <section className="panel refused" data-testid="token-refused" data-reason={checked.reason}>
        <p className="problem" role="alert">
          {t(key)}
        </p>
        <button type="button" className="primary" onClick={props.onDone} data-testid="scan-another">
          {t('scan.another')}
        </button>
      </section>
    );
  }
  const { claims, upstream } = checked;
  const e = claims.evidence;
  const already = upstream.decision;
  if (decided) {
    const symbol = decided.approval ? qrSymbol(decided.approval, { errorCorrection: 'M', maxVersion: 20 }) : null;
    return (
      <section className="panel" data-testid="decided" data-decision={decided.decision.decision}>
        <p className="lead">{decided.decision.decision === 'approve' ? t('decision.approved') : t('decision.rejected')}</p>
        {symbol && decided.approval && (
          <>
            <svg
              className="approval-qr"
              viewBox={`-4 -4 ${symbol.size + 8} ${symbol.size + 8}`}
              role="img"
              aria-label={t('decision.approvalQr')}
              shapeRendering="crispEdges"
              data-testid="approval-qr"
              data-approval={decided.approval}
            >
              <rect x={-4} y={-4} width={symbol.size + 8} height={symbol.size + 8} fill="#fff" />
              <path d={symbol.path} fill="#000" />
            </svg>
            <p>{t('decision.approvalHint')}</p>
          </>
        )}
        <button type="button" className="primary" onClick={props.onDone} data-testid="scan-another">
          {t('scan.another')}
        </button>
      </section>
    );
  }
  return (
    <section className="panel" data-testid="evidence" data-enrollment={claims.enrollmentId}>
      <h2>{t('evidence.title', { booth: checked.boothId })}</h2>
      <dl className="evidence">
        <dt>{t('evidence.nik')}</dt>
        <dd>
          <strong data-testid="evidence-nik">{claims.nikLast4}</strong> {t('evidence.nikHint')}
        </dd>
        <dt>{t('evidence.chip')}</dt>
        <dd className={e.chipAuthenticated ? 'good' : 'bad'}>{e.chipAuthenticated ? t('evidence.chipOk') : t('evidence.chipNo')}</dd>
        <dt>{t('evidence.liveness')}</dt>
        <dd className={e.livenessPassed ? 'good' : 'bad'}>{e.livenessPassed ? t('evidence.livenessOk') : t('evidence.livenessNo')}</dd>
        <dt>{t('evidence.match')}</dt>
        <dd className={e.matchDistance <= e.matchThreshold ? 'good' : 'bad'}>
          {t('evidence.matchValue', { distance: (e.matchDistance / 1000).toFixed(3), threshold: (e.matchThreshold / 1000).toFixed(3) })}
        </dd>
        <dt>{t('evidence.quality')}</dt>
        <dd>{t('evidence.qualityValue', { quality: e.quality })}</dd>
      </dl>
      <p className="small">{t('evidence.issued', { issued: time(claims.issuedAt), expires: time(claims.expiresAt) })}</p>
      {upstream.enrollment.cancelled && <p className="problem">{t('evidence.cancelled')}</p>}
      {upstream.enrollment.synced ? (
        <>
          <p className="small">{t('evidence.synced', { at: new Date(upstream.enrollment.receivedAt ?? '').toLocaleTimeString(locale) })}</p>
          <div className="photos" aria-label={t('evidence.photos')}>
            <figure>
              <img
                src={`/console/api/enrollments/${claims.enrollmentId}/photos/chip`}
                alt={t('evidence.chipPhoto')}
                data-testid="photo-chip"
              />
              <figcaption>{t('evidence.chipPhoto')}</figcaption>
            </figure>
            <figure>
              <img
                src={`/console/api/enrollments/${claims.enrollmentId}/photos/live`}
                alt={t('evidence.livePhoto')}
                data-testid="photo-live"
              />
              <figcaption>{t('evidence.livePhoto')}</figcaption>
            </figure>
          </div>
        </>
      ) : (
        <p className="small" data-testid="not-synced">
          {t('evidence.notSynced')}
        </p>
      )}
      {already ? (
        <p className="problem" data-testid="already-decided">
          {t('evidence.decided', {
            officer: already.officerId,
            decision: t(already.decision),
            at: new Date(already.decidedAt).toLocaleString(locale),
          })}
        </p>
      ) : upstream.nonceUsed ? (
        <p className="problem">{t('token.REPLAYED')}</p>
      ) : (
        <div className="decide">
          <button type="button" className="primary approve" onClick={() => void decide('approve')} data-testid="decide-approve">
            {t('decision.approve')}
          </button>
          {!rejecting ? (
            <button type="button" className="reject" onClick={() => setRejecting(true)} data-testid="decide-reject">
              {t('decision.reject')}
            </button>
          ) : (
            <div className="reject-form">
              <label>
                {t('decision.reason')}
                <select value={reason} onChange={(event) => setReason(event.target.value as RejectionReason)} data-testid="reject-reason">
                  {rejectionReasons.map((value) => (
                    <option key={value} value={value}>
                      {t(`reason.${value}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('decision.note')}
                <input value={note} maxLength={500} onChange={(event) => setNote(event.target.value)} />
              </label>
              <button type="button" className="reject" onClick={() => void decide('reject')} data-testid="reject-confirm">
                {t('decision.confirmReject')}
              </button>
            </div>
          )}
        </div>
      )}
      <p className="problem" role="alert">
        {problem ?? ''}
      </p>
      <button type="button" onClick={props.onDone}>
        {t('scan.another')}
      </button>
    </section>
  );
}
