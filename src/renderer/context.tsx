// React access to the journey store and the translator of the session's
// language (Bahasa Indonesia until the citizen picks otherwise).
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { translator, type Translate } from './i18n';
import type { JourneyState, JourneyStore } from './state/journeyStore';

const StoreContext = createContext<JourneyStore | null>(null);

export function BoothProvider({ store, children }: { store: JourneyStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useJourneyStore(): JourneyStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useJourneyStore outside BoothProvider');
  return store;
}

export function useJourney<T>(selector: (state: JourneyState) => T): T {
  return useStore(useJourneyStore(), selector);
}

export function useT(): Translate {
  const language = useJourney((state) => state.session?.language ?? 'id');
  return useMemo(() => translator(language), [language]);
}
