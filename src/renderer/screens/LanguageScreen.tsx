import { useJourney, useT } from '../context';
import { StepFrame } from '../components/StepFrame';

export function LanguageScreen() {
  const t = useT();
  const choose = useJourney((state) => state.chooseLanguage);
  return (
    <StepFrame step="language" instruction="language.title">
      <div className="choice-list">
        <button
          type="button"
          lang="id"
          className="button button-primary button-huge"
          onClick={() => void choose('id')}
          data-testid="language-id"
        >
          {t('language.id')}
        </button>
        <button
          type="button"
          lang="en"
          className="button button-primary button-huge"
          onClick={() => void choose('en')}
          data-testid="language-en"
        >
          {t('language.en')}
        </button>
      </div>
    </StepFrame>
  );
}
