// The two buttons every screen carries for the citizen's own needs: large
// text with high contrast ("Aa"), and "Need help?". Each takes the
// translators to label itself with: the session's language on a step, both
// languages on the bilingual welcome and offline screens.
import { useJourney } from '../context';
import type { Translate } from '../i18n';
import type { Language } from '../../shared/journey/machine';

/** Icons, the same in every language (hidden from screen readers, which read the label). */
const LARGE_TEXT_ICON = 'Aa';
const HELP_ICON = '?';

export interface Labelled {
  /** One translator per language shown, first the main one. */
  labels: Array<{ language: Language; t: Translate }>;
}

/** The mode of the citizen's visit, kept in the store (reset when the session ends). */
export function LargeTextToggle({ labels }: Labelled) {
  const on = useJourney((state) => state.largeText);
  const toggle = useJourney((state) => state.toggleLargeText);
  return <LargeTextButton labels={labels} on={on} onToggle={toggle} />;
}

/** The "Aa" button itself, for a screen that holds the mode on its own (the offline screen may have no store). */
export function LargeTextButton({ labels, on, onToggle }: Labelled & { on: boolean; onToggle: () => void }) {
  return (
    <button type="button" className="button button-tool" aria-pressed={on} onClick={onToggle} data-testid="large-text">
      <span className="tool-icon" aria-hidden="true">
        {LARGE_TEXT_ICON}
      </span>
      <ToolLabels labels={labels} keyName="access.largeText" />
    </button>
  );
}

export function HelpButton({ labels }: Labelled) {
  const open = useJourney((state) => state.setHelpOpen);
  return (
    <button type="button" className="button button-tool" onClick={() => open(true)} data-testid="help">
      <span className="tool-icon" aria-hidden="true">
        {HELP_ICON}
      </span>
      <ToolLabels labels={labels} keyName="help.button" />
    </button>
  );
}

function ToolLabels({ labels, keyName }: Labelled & { keyName: 'access.largeText' | 'help.button' }) {
  return (
    <span className="tool-labels">
      {labels.map(({ language, t }) => (
        <span key={language} lang={language}>
          {t(keyName)}
        </span>
      ))}
    </span>
  );
}
