// What a citizen sets for themselves on any screen: large text with high
// contrast, the help dialog, and the "officer called" sign. None of it is
// data about the citizen, but all of it belongs to one visit: it is reset
// when the session ends, so the next citizen starts with the default screen.
import type { StateCreator } from 'zustand/vanilla';
import type { BoothClient } from '../../../shared/contract/client';
import type { HelpScreen } from '../../../shared/contract/schemas';
import type { JourneyState } from '../journeyStore';

export interface AccessData {
  /** 200% text and the high-contrast palette, together (one toggle: one decision for the citizen, one layout to test). */
  largeText: boolean;
  helpOpen: boolean;
  /** The large "an officer has been called" sign is up, until the citizen closes it or the session ends. */
  officerCalled: boolean;
}

export interface AccessSlice extends AccessData {
  toggleLargeText(): void;
  setHelpOpen(open: boolean): void;
  /** Shows the sign at once, then tells the core (which tells the officer console once one exists). */
  callOfficer(screen: HelpScreen): Promise<void>;
  dismissOfficerSign(): void;
}

export const accessDefaults = (): AccessData => ({ largeText: false, helpOpen: false, officerCalled: false });

export const createAccessSlice =
  (client: BoothClient): StateCreator<JourneyState, [], [], AccessSlice> =>
  (set, get) => ({
    ...accessDefaults(),
    toggleLargeText: () => set({ largeText: !get().largeText }),
    setHelpOpen: (helpOpen) => set({ helpOpen }),
    async callOfficer(screen) {
      set({ helpOpen: false, officerCalled: true });
      const result = await client.help.callOfficer({ screen });
      // The sign on the booth is the call that always works; a core that did not answer is only noted.
      if (!result.ok) console.warn(`help.callOfficer answered ${result.error.code}: the booth's sign is shown anyway`);
    },
    dismissOfficerSign: () => set({ officerCalled: false }),
  });
