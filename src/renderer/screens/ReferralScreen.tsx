// The end of a journey that cannot go on at this booth: the core decided it
// and says why (the referral's reason); this screen only words it and offers
// to finish, which erases the session. One screen for every reason.
import type { ReferralReason } from '../../shared/journey/machine';
import { useJourney, useT } from '../context';
import type { MessageKey } from '../i18n';
import { StepFrame } from '../components/StepFrame';

/** What the citizen reads for each reason: what happened, in plain words. */
export const referralMessages: Record<ReferralReason, MessageKey> = {
  'consent-declined': 'referral.reason.consent-declined',
  'card-not-confirmed': 'referral.reason.card-not-confirmed',
  'card-unreadable': 'referral.reason.card-unreadable',
  'card-not-genuine': 'referral.reason.card-not-genuine',
  'card-reader-unavailable': 'referral.reason.card-reader-unavailable',
  'face-unavailable': 'referral.reason.face-unavailable',
  'face-failed': 'referral.reason.face-failed',
  'face-match-unavailable': 'referral.reason.face-match-unavailable',
  'face-not-matched': 'referral.reason.face-not-matched',
  'enrollment-not-saved': 'referral.reason.enrollment-not-saved',
  'signoff-unavailable': 'referral.reason.signoff-unavailable',
  'signoff-rejected': 'referral.reason.signoff-rejected',
};

export function ReferralScreen() {
  const t = useT();
  const referral = useJourney((state) => state.session?.referral);
  const finish = useJourney((state) => state.finishReferral);
  if (!referral) return null;
  return (
    <StepFrame
      step="referred"
      instruction="referral.title"
      spokenDetail={[
        referralMessages[referral.reason],
        'referral.bring',
        ...(referral.reference ? (['speech.referral.reference'] as const) : []),
      ]}
      actions={
        <button type="button" className="button button-primary" onClick={() => void finish()} data-testid="finish-erase">
          {t('unavailable.finish')}
        </button>
      }
    >
      <p className="lead" data-testid="referral-reason" data-reason={referral.reason}>
        {t(referralMessages[referral.reason])}
      </p>
      <p className="lead">{t('referral.bring')}</p>
      {referral.reference && (
        <div className="referral-reference" data-testid="referral-reference">
          <p className="referral-reference-label">{t('referral.referenceLabel')}</p>
          <p className="referral-reference-code">{referral.reference}</p>
          <p>{t('referral.reference')}</p>
        </div>
      )}
      <p>{t('referral.erase')}</p>
      {referral.code && (
        <p className="technician-code" data-testid="referral-code">
          {t('referral.technicianCode', { code: referral.code })}
        </p>
      )}
    </StepFrame>
  );
}
