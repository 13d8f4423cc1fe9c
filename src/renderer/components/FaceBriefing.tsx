// The briefing before the liveness challenge, for citizens who need a moment:
// the actions of THIS challenge in their order, each with a picture and one
// short sentence, and the seconds each allows. Each line carries its own
// catalogue key (data-prompt) so spoken guidance can say exactly it.
import type { LivenessAction } from '../../shared/face/liveness';
import { briefingKeys, secondsPerAction } from '../../shared/face/countdown';
import { useT } from '../context';
import { FaceActionPicture } from './FaceActionPicture';

export function FaceBriefing({ order, stepTimeoutMs }: { order: readonly LivenessAction[]; stepTimeoutMs: number }) {
  const t = useT();
  const keys = briefingKeys(order);
  return (
    <div className="face-briefing" data-testid="face-briefing">
      <p className="lead face-briefing-intro" data-prompt="face.briefing.intro">
        {t('face.briefing.intro', { seconds: secondsPerAction(stepTimeoutMs) })}
      </p>
      <ol className="face-briefing-actions">
        {order.map((action, i) => (
          <li key={action} className="face-briefing-action" data-testid="face-briefing-action" data-action={action} data-prompt={keys[i]}>
            <span className="face-briefing-number" aria-hidden="true">
              {i + 1}
            </span>
            <FaceActionPicture action={action} />
            <span className="face-briefing-text">{t(keys[i]!)}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
