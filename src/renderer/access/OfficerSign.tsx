// The sign an officer sees from across the hall: the whole screen says an
// officer has been called, in both languages, until the citizen closes it or
// the session ends.
import { useEffect, useRef } from 'react';
import type { Language } from '../../shared/journey/machine';
import { useJourney } from '../context';
import { translator } from '../i18n';

/** A sign's exclamation mark, seen from afar (hidden from screen readers). */
const SIGN_ICON = '!';

export function OfficerSign() {
  const shown = useJourney((state) => state.officerCalled);
  const dismiss = useJourney((state) => state.dismissOfficerSign);
  const language = useJourney((state) => state.session?.language ?? 'id');
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (shown) button.current?.focus();
  }, [shown]);
  if (!shown) return null;
  // The citizen's language first and largest; the other below it, for the officer and the queue.
  const order: Language[] = language === 'en' ? ['en', 'id'] : ['id', 'en'];
  const [first, second] = order.map(translator) as [ReturnType<typeof translator>, ReturnType<typeof translator>];

  return (
    <div className="officer-sign" role="alertdialog" aria-modal="true" aria-labelledby="officer-sign-title" data-testid="officer-sign">
      <p className="officer-sign-icon" aria-hidden="true">
        {SIGN_ICON}
      </p>
      <h2 id="officer-sign-title" lang={order[0]}>
        {first('officer.called')}
      </h2>
      <p lang={order[0]}>{first('officer.calledBody')}</p>
      <div lang={order[1]} className="officer-sign-second">
        <p>{second('officer.called')}</p>
        <p>{second('officer.calledBody')}</p>
      </div>
      <button type="button" ref={button} className="button button-secondary" onClick={dismiss} data-testid="officer-sign-dismiss">
        <span lang={order[0]}>{first('officer.dismiss')}</span>
      </button>
    </div>
  );
}
