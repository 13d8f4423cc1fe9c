// The message for the last refused value or call, in the citizen's language.
import { isMessageKey, type MessageKey } from '../i18n';
import { useJourney, useT } from '../context';
import type { DraftField } from '../state/drafts';

export function ProblemText({ field, id }: { field: DraftField | 'general'; id: string }) {
  const t = useT();
  const problem = useJourney((state) => state.problem);
  const limited = useJourney((state) => state.limitedField);
  const draft = useJourney((state) => (field === 'general' ? '' : state.drafts[field]));

  let text: string | null = null;
  if (problem && problem.field === field) {
    const key = `${field}.error.${problem.reason ?? ''}`;
    if (field !== 'general' && isMessageKey(key)) {
      text = t(key, { count: draft.length, code: draft.slice(0, 2), digits: draft.slice(6, 12) });
    } else if (problem.code === 'NO_SESSION') {
      text = t('common.error.noSession');
    } else {
      text = t('common.error.generic');
    }
  } else if (limited && limited === field) {
    text = t(`${field}.limit` as MessageKey);
  }
  return (
    <p id={id} className={text ? 'problem' : 'problem problem-empty'} role="alert" data-testid={`problem-${field}`}>
      {text}
    </p>
  );
}
