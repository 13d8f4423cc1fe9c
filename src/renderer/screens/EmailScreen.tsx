// Typed on the booth's keyboard, then shown large for the citizen to
// confirm letter by letter: the activation code goes only to this address.
// A syntax error shows at once (checked on screen); the core checks again
// when the confirmed address is submitted.
import { useJourney, useT } from '../context';
import { FieldDisplay } from '../components/FieldDisplay';
import { ProblemText } from '../components/ProblemText';
import { StepActions } from '../components/StepActions';
import { StepFrame } from '../components/StepFrame';
import { EmailKeyboard } from '../keyboards/EmailKeyboard';
import { usePhysicalTyping } from '../keyboards/usePhysicalTyping';

export function EmailScreen() {
  const t = useT();
  const email = useJourney((state) => state.drafts.email);
  const confirming = useJourney((state) => state.emailConfirming);
  const problem = useJourney((state) => state.problem?.field === 'email');
  const { type, backspace, clear, reviewEmail, editEmailAgain, submitEmail } = useJourney((state) => state);
  usePhysicalTyping('email', confirming ? submitEmail : reviewEmail, !confirming);

  if (confirming) {
    return (
      <StepFrame
        step="email"
        instruction="email.confirmTitle"
        actions={
          <>
            <button type="button" className="button button-secondary" onClick={editEmailAgain} data-testid="email-change">
              {t('email.confirmChange')}
            </button>
            <button type="button" className="button button-primary" onClick={() => void submitEmail()} data-testid="email-confirm">
              {t('email.confirmYes')}
            </button>
          </>
        }
      >
        <p className="lead">{t('email.confirmHint')}</p>
        <p className="email-confirm" data-testid="email-confirm-value">
          {email}
        </p>
        <ProblemText field="email" id="email-problem" />
      </StepFrame>
    );
  }

  return (
    <StepFrame
      step="email"
      instruction="email.title"
      actions={<StepActions onNext={reviewEmail} nextEnabled={email.length > 0} />}
      keyboard={
        <EmailKeyboard
          label={t('email.fieldLabel')}
          onText={(text) => type('email', text)}
          onBackspace={() => backspace('email')}
          onClear={() => clear('email')}
        />
      }
    >
      <p className="lead">{t('email.hint')}</p>
      <FieldDisplay id="email" label={t('email.fieldLabel')} value={email} invalid={problem} errorId="email-problem" />
      <ProblemText field="email" id="email-problem" />
    </StepFrame>
  );
}
