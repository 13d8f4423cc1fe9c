// The time left for the action in play: whole seconds in a ring that
// shrinks, from the judge's own msLeft (the camera-frame clock that decides
// a timeout), so what the citizen sees is the time they really have.
import { countdownOf } from '../../shared/face/countdown';
import { useT } from '../context';

const RADIUS = 44;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

export function FaceCountdown({ msLeft, stepTimeoutMs }: { msLeft: number; stepTimeoutMs: number }) {
  const t = useT();
  const { seconds, share } = countdownOf(msLeft, stepTimeoutMs);
  // The last seconds in a warmer colour: a hint to hurry a little, not an alarm.
  const low = seconds <= 3;
  return (
    <div
      className={low ? 'face-countdown face-countdown-low' : 'face-countdown'}
      role="timer"
      aria-label={t('face.countdown.label', { seconds })}
      data-testid="face-countdown"
      data-seconds={seconds}
    >
      <svg viewBox="0 0 100 100" aria-hidden="true">
        <circle className="face-countdown-track" cx="50" cy="50" r={RADIUS} />
        <circle
          className="face-countdown-ring"
          cx="50"
          cy="50"
          r={RADIUS}
          strokeDasharray={CIRCUMFERENCE}
          strokeDashoffset={CIRCUMFERENCE * (1 - share)}
          transform="rotate(-90 50 50)"
        />
      </svg>
      <span className="face-countdown-seconds" aria-hidden="true">
        {seconds}
      </span>
      <span className="face-countdown-label" aria-hidden="true">
        {t('face.timeLeft')}
      </span>
    </div>
  );
}
