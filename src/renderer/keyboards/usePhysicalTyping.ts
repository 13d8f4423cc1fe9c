// A USB keyboard or a paste (possible in the headless host, and for
// technicians) goes through the same filter as the on-screen keys, so
// nothing reaches a field that the booth's own keys could not type.
import { useEffect } from 'react';
import { useJourneyStore } from '../context';
import type { DraftField } from '../state/drafts';

export function usePhysicalTyping(field: DraftField, onEnter: () => void, enabled = true): void {
  const store = useJourneyStore();
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const { type, backspace } = store.getState();
      if (event.key === 'Backspace') backspace(field);
      else if (event.key === 'Enter') {
        // Enter on a focused button presses that button instead.
        if (document.activeElement instanceof HTMLButtonElement) return;
        onEnter();
      } else if (event.key.length === 1) type(field, event.key);
      else return;
      event.preventDefault();
    };
    const onPaste = (event: ClipboardEvent) => {
      event.preventDefault();
      store.getState().type(field, event.clipboardData?.getData('text') ?? '');
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('paste', onPaste);
    };
  }, [field, onEnter, enabled, store]);
}
