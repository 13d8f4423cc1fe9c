// The oval the citizen fills, drawn over the camera preview: the area
// outside it is dimmed, and its rim turns green while the frame is good.
// During the challenge a ring of dots shows how many actions are done.
import type { FaceView } from '../face/faceController';

export function FaceGuide({ view }: { view: FaceView | null }) {
  const good =
    view !== null && (view.prompt === 'good' || view.phase === 'challenge' || view.phase === 'final' || view.phase === 'sending');
  const rim =
    view?.phase === 'failed' || view?.phase === 'error'
      ? 'face-oval-rim face-oval-bad'
      : good
        ? 'face-oval-rim face-oval-good'
        : 'face-oval-rim';
  return (
    <svg className="face-guide" viewBox="0 0 640 480" preserveAspectRatio="xMidYMid slice" aria-hidden="true">
      <defs>
        <mask id="face-oval-hole">
          <rect width="640" height="480" fill="white" />
          <ellipse cx="320" cy="240" rx="130" ry="175" fill="black" />
        </mask>
      </defs>
      <rect width="640" height="480" className="face-dim" mask="url(#face-oval-hole)" />
      <ellipse cx="320" cy="240" rx="130" ry="175" className={rim} />
      {view?.phase === 'challenge' &&
        Array.from({ length: view.steps }, (_, i) => (
          <circle
            key={i}
            cx={320 + (i - (view.steps - 1) / 2) * 28}
            cy="450"
            r="9"
            className={i < view.stepIndex ? 'face-step-done' : i === view.stepIndex ? 'face-step-now' : 'face-step-todo'}
          />
        ))}
    </svg>
  );
}
