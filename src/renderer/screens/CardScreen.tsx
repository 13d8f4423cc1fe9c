// The e-KTP step: place the card and it is read at once (the core watches
// the reader and says when a card is placed), with progress; then the name
// and NIK from the chip, for the citizen to confirm that the card is theirs.
// Every failure says what to do next, and the heading says that the card is
// not read yet; when the core decides the card step cannot succeed (the
// last attempt, a booth that cannot read cards) it refers the citizen and
// the referral screen shows instead.
import { useEffect, useRef } from 'react';
import { groupNik } from '../../shared/identity/nik';
import { useJourney, useT } from '../context';
import { StepFrame } from '../components/StepFrame';
import { cardProblemKey, spokenCardProblemKey } from './cardProblem';

export function CardScreen() {
  const t = useT();
  const chip = useJourney((state) => state.session?.chip);
  const attemptsLeft = useJourney((state) => state.session?.cardAttemptsLeft ?? 0);
  const reading = useJourney((state) => state.cardProgress !== null);
  const progress = useJourney((state) => state.cardProgress?.fraction ?? 0);
  const stage = useJourney((state) => state.cardProgress?.stage ?? 'sam');
  const presence = useJourney((state) => state.cardPresence);
  const problem = useJourney((state) => (state.problem?.field === 'card' ? state.problem : null));
  const readCard = useJourney((state) => state.readCard);
  const confirmCard = useJourney((state) => state.confirmCard);
  const rejectCard = useJourney((state) => state.rejectCard);
  const back = useJourney((state) => state.back);
  const photo = useJourney((state) => state.chipPhoto);
  const loadChipPhoto = useJourney((state) => state.loadChipPhoto);
  const shownNik = chip?.nik;
  useEffect(() => {
    if (shownNik !== undefined) void loadChipPhoto();
  }, [shownNik, loadChipPhoto]);
  useReadWhenPlaced(presence?.reader === 'present' && presence.cardPresent, !chip && !reading, readCard);

  if (chip) {
    return (
      <StepFrame
        step="card"
        instruction="card.confirm.title"
        actions={
          <>
            <button type="button" className="button button-secondary" onClick={() => void rejectCard()} data-testid="card-not-me">
              {t('card.confirm.no')}
            </button>
            <button type="button" className="button button-primary" onClick={() => void confirmCard()} data-testid="card-confirm">
              {t('card.confirm.yes')}
            </button>
          </>
        }
      >
        <p className="lead">{t('card.confirm.hint')}</p>
        <div className="chip-identity">
          {photo === 'unreadable' ? (
            <p className="chip-photo chip-photo-missing" data-testid="chip-photo-missing">
              {t('card.confirm.noPhoto')}
            </p>
          ) : photo ? (
            <img className="chip-photo" src={photo.dataUrl} alt={t('card.confirm.photo')} data-testid="chip-photo" />
          ) : (
            <div className="chip-photo" aria-hidden="true" />
          )}
          <dl>
            <dt>{t('card.confirm.name')}</dt>
            <dd data-testid="chip-name">{chip.name}</dd>
            <dt>{t('card.confirm.nik')}</dt>
            <dd data-testid="chip-nik">{groupNik(chip.nik)}</dd>
          </dl>
        </div>
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
  const status = presence?.reader === 'absent' ? t('card.place.noReader') : presence?.cardPresent ? t('card.place.present') : null;
  return (
    <StepFrame
      step="card"
      instruction={problem ? 'card.failed.title' : 'card.place.title'}
      spokenDetail={problem ? spokenCardProblemKey(reason) : undefined}
      actions={
        <>
          <button type="button" className="button button-secondary" onClick={() => void back()} data-testid="back">
            {t('common.back')}
          </button>
          <button type="button" className="button button-primary" onClick={() => void readCard()} data-testid="card-read">
            {/* After "not my e-KTP" the card lying there is someone else's: the button reads whatever card is placed, not "again". */}
            {problem && reason !== 'REJECTED' ? t('card.retry') : t('card.read')}
          </button>
        </>
      }
    >
      <p className="lead">{t('card.place.hint')}</p>
      <CardPicture active={presence?.cardPresent === true} />
      <p className="card-presence" role="status" data-testid="card-presence" data-present={presence?.cardPresent === true}>
        {status}
      </p>
      <p className={message ? 'problem' : 'problem problem-empty'} role="alert" data-testid="problem-card">
        {message}
      </p>
    </StepFrame>
  );
}

/**
 * Reads the card when one is placed: when the reader says a card lies on it
 * and it did not before (or on entering the step with a card already
 * there). A card left lying after a failed read is not read again by
 * itself: the citizen lifts and places it, or touches "Try again".
 */
function useReadWhenPlaced(cardPresent: boolean, canRead: boolean, read: () => Promise<void>) {
  const wasPresent = useRef(false);
  useEffect(() => {
    const placed = cardPresent && !wasPresent.current;
    wasPresent.current = cardPresent;
    if (placed && canRead) void read();
  }, [cardPresent, canRead, read]);
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
