// One on-screen key: a real button (so it is reachable by focus and by
// assistive technology), large, with visible press feedback.
import type { ReactNode } from 'react';

export interface KeyProps {
  label: ReactNode;
  /** Spoken name when the label is a symbol. */
  ariaLabel?: string;
  onPress: () => void;
  wide?: boolean;
  variant?: 'normal' | 'action' | 'shortcut';
  disabled?: boolean;
  testId?: string;
}

export function Key({ label, ariaLabel, onPress, wide, variant = 'normal', disabled, testId }: KeyProps) {
  return (
    <button
      type="button"
      className={`key key-${variant}${wide ? ' key-wide' : ''}`}
      aria-label={ariaLabel}
      onClick={onPress}
      disabled={disabled}
      data-testid={testId}
    >
      {label}
    </button>
  );
}
