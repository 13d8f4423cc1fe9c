// The e-KTP step: place the card, read it (with progress), then confirm the
// name and masked NIK from the chip. Every failure says what to do next;
// when the core decides the card step cannot succeed (the last attempt, a
// booth that cannot read cards) it refers the citizen and the referral
// screen shows instead.
import { useJourney, useT } from '../context';
import { StepFrame } from '../components/StepFrame';
import { cardProblemKey } from './cardProblem';

export function CardScreen() {
  const t = useT();
  const chip = useJourney((state) => state.session?.chip);
  const attemptsLeft = useJourney((state) => state.session?.cardAttemptsLeft ?? 0);
  const reading = useJourney((state) => state.cardProgress !== null);
  const progress = useJourney((state) => state.cardProgress?.fraction ?? 0);
  const stage = useJourney((state) => state.cardProgress?.stage ?? 'sam');
  const problem = useJourney((state) => (state.problem?.field === 'card' ? state.problem : null));
  const readCard = useJourney((state) => state.readCard);
  const confirmCard = useJourney((state) => state.confirmCard);
  const back = useJourney((state) => state.back);

  if (chip) {
    return (
      <StepFrame
        step="card"
        instruction="card.confirm.title"
        actions={
          <>
            <button type="button" className="button button-secondary" onClick={() => void back()} data-testid="card-not-me">
              {t('card.confirm.no')}
            </button>
            <button type="button" className="button button-primary" onClick={() => void confirmCard()} data-testid="card-confirm">
              {t('card.confirm.yes')}
            </button>
          </>
        }
      >
        <p className="lead">{t('card.confirm.hint')}</p>
        <dl className="chip-identity">
          <dt>{t('card.confirm.name')}</dt>
          <dd data-testid="chip-name">{chip.name}</dd>
          <dt>{t('card.confirm.nik')}</dt>
          <dd data-testid="chip-nik">{chip.nikMasked}</dd>
        </dl>
      </StepFrame>
    );
  }

  if (reading) {
    // Overall progress: the photo is most of the bytes.
    const weights: Record<string, [number, number]> = {
      sam: [0, 0.05],
      card: [0.05, 0.1],
      auth: [0.1, 0.2],
      biodata: [0.2, 0.3],
      photo: [0.3, 0.9],
      signature: [0.9, 1],
    };
    const [from, to] = weights[stage] ?? [0, 1];
    const overall = Math.round((from + (to - from) * progress) * 100);
    return (
      <StepFrame step="card" instruction="card.reading.title">
        <p className="lead card-keep" role="status">
          {t('card.reading.hint')}
        </p>
        <CardPicture active />
        <div
          className="card-progress"
          role="progressbar"
          aria-label={t('card.progressLabel')}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={overall}
          data-testid="card-progress"
        >
          <div className="card-progress-bar" style={{ width: `${overall}%` }} />
        </div>
      </StepFrame>
    );
  }

  const reason = problem?.reason ?? '';
  const message = problem ? t(cardProblemKey(reason), { attempts: attemptsLeft }) : null;
  return (
    <StepFrame
      step="card"
      instruction="card.place.title"
      actions={
        <>
          <button type="button" className="button button-secondary" onClick={() => void back()} data-testid="back">
            {reason === 'NIK_MISMATCH' ? t('card.checkNik') : t('common.back')}
          </button>
          <button type="button" className="button button-primary" onClick={() => void readCard()} data-testid="card-read">
            {problem ? t('card.retry') : t('card.read')}
          </button>
        </>
      }
    >
      <p className="lead">{t('card.place.hint')}</p>
      <CardPicture active={false} />
      <p className={message ? 'problem' : 'problem problem-empty'} role="alert" data-testid="problem-card">
        {message}
      </p>
    </StepFrame>
  );
}

/** A card settling on a reader: drawn with CSS, still when reduced motion is asked for. */
function CardPicture({ active }: { active: boolean }) {
  return (
    <div className={`card-picture${active ? ' card-picture-active' : ''}`} aria-hidden="true">
      <div className="card-picture-card" />
      <div className="card-picture-reader" />
    </div>
  );
}
