// What the chip said (name and NIK, which cannot be changed here) and
// everything typed, large, each typed value with its own "Change" button.
import { groupNik } from '../../shared/identity/nik';
import type { EditableStep } from '../../shared/journey/machine';
import { useJourney, useT } from '../context';
import type { MessageKey } from '../i18n';
import { StepFrame } from '../components/StepFrame';
import { groupPhone } from './PhoneScreen';

const rows: Array<{ field: EditableStep; label: MessageKey; format: (value: string) => string }> = [
  { field: 'email', label: 'review.email', format: (value) => value },
  { field: 'phone', label: 'review.phone', format: groupPhone },
];

export function ReviewScreen() {
  const t = useT();
  const session = useJourney((state) => state.session);
  const edit = useJourney((state) => state.edit);
  const confirm = useJourney((state) => state.confirmReview);
  const back = useJourney((state) => state.back);
  return (
    <StepFrame
      step="review"
      instruction="review.title"
      actions={
        <>
          <button type="button" className="button button-secondary" onClick={() => void back()}>
            {t('common.back')}
          </button>
          <button type="button" className="button button-primary" onClick={() => void confirm()} data-testid="review-confirm">
            {t('review.confirm')}
          </button>
        </>
      }
    >
      <p className="lead">{t('review.hint')}</p>
      <div className="review-list">
        {session?.chip && (
          <div className="review-row review-row-card">
            <dl>
              <dt>{t('review.name')}</dt>
              <dd data-testid="review-name">{session.chip.name}</dd>
              <dt>{t('review.nik')}</dt>
              <dd data-testid="review-nik">{groupNik(session.chip.nik)}</dd>
            </dl>
            <p className="review-note">{t('review.fromCard')}</p>
          </div>
        )}
        {rows.map(({ field, label, format }) => (
          <div className="review-row" key={field}>
            <dl>
              <dt>{t(label)}</dt>
              <dd data-testid={`review-${field}`}>{format(session?.[field] ?? '')}</dd>
            </dl>
            <button
              type="button"
              className="button button-secondary"
              aria-label={t('review.editLabel', { field: t(label) })}
              onClick={() => void edit(field)}
              data-testid={`review-edit-${field}`}
            >
              {t('review.edit')}
            </button>
          </div>
        ))}
      </div>
    </StepFrame>
  );
}
