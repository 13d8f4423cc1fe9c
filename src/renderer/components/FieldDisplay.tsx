// The value being typed, large, with its label. It is not an <input>: the
// OS keyboard must never appear on the booth, and only the booth's keys
// (or a filtered paste) change it.
import { useEffect, useRef } from 'react';
import { useJourney } from '../context';

export interface FieldDisplayProps {
  id: string;
  label: string;
  value: string;
  /** How to show the value, e.g. NIK in groups of four. */
  format?: (value: string) => string;
  hint?: string;
  invalid: boolean;
  errorId?: string;
  large?: boolean;
}

export function FieldDisplay({ id, label, value, format, hint, invalid, errorId, large }: FieldDisplayProps) {
  const shown = format ? format(value) : value;
  const output = useRef<HTMLOutputElement>(null);
  const largeText = useJourney((state) => state.largeText);
  // With large text the content may scroll: the value being typed is kept in view, above the keyboard.
  // (Braces: newer Chromium answers scrollIntoView with a promise, which React would take for a cleanup.)
  useEffect(() => {
    output.current?.scrollIntoView({ block: 'nearest' });
  }, [shown, largeText]);
  return (
    <div className="field">
      <span className="field-label" id={`${id}-label`}>
        {label}
      </span>
      <output
        ref={output}
        id={id}
        className={`field-value${invalid ? ' field-invalid' : ''}${large ? ' field-large' : ''}`}
        aria-labelledby={`${id}-label`}
        aria-describedby={errorId}
        aria-live="polite"
        data-testid={`field-${id}`}
      >
        {shown}
        <span className="caret" aria-hidden="true" />
      </output>
      {hint && <span className="field-hint">{hint}</span>}
    </div>
  );
}
