// A simple drawing of each liveness action for the briefing. The face is
// drawn as the citizen sees themself in the (mirrored) preview: turning to
// their own left, the nose points to the screen's left, and so does the
// arrow, which is also where the citizen's own left hand is.
import type { LivenessAction } from '../../shared/face/liveness';

const HEAD = { cx: 60, cy: 58, rx: 32, ry: 40 };

export function FaceActionPicture({ action }: { action: LivenessAction }) {
  return (
    <svg className="face-action-picture" viewBox="0 0 120 124" aria-hidden="true" data-action={action}>
      {action === 'blink' ? (
        <ClosedEyesFace />
      ) : (
        // The right turn is the left one seen in a mirror.
        <g transform={action === 'turnRight' ? 'translate(120 0) scale(-1 1)' : undefined}>
          <TurnedFace />
          <path className="face-action-arrow" d="M94 112 H30 M42 102 L28 112 L42 122" />
        </g>
      )}
    </svg>
  );
}

/** Looking straight at the camera with both eyes shut: the moment of a blink. */
function ClosedEyesFace() {
  return (
    <g>
      <ellipse className="face-action-head" {...HEAD} />
      <path className="face-action-line" d="M38 52 Q46 59 54 52 M66 52 Q74 59 82 52" />
      <path className="face-action-thin" d="M41 56 l-3 4 M46 58 v5 M51 56 l3 4 M69 56 l-3 4 M74 58 v5 M79 56 l3 4" />
      <path className="face-action-line" d="M60 62 v10 h-4" />
      <path className="face-action-line" d="M49 82 Q60 89 71 82" />
    </g>
  );
}

/** Turned about 30° to the screen's left: the features move left, the nose points left, one ear shows on the right. */
function TurnedFace() {
  return (
    <g>
      <ellipse className="face-action-head" {...HEAD} />
      <ellipse className="face-action-head" cx="91" cy="60" rx="5" ry="10" />
      <circle className="face-action-eye" cx="36" cy="52" r="4" />
      <circle className="face-action-eye" cx="58" cy="52" r="4.5" />
      <path className="face-action-line" d="M46 56 Q40 66 31 72 Q35 76 42 75" />
      <path className="face-action-line" d="M32 84 Q41 89 52 84" />
    </g>
  );
}
