// The booth itself: the connection to the core and the booth's settings.
// Nothing here belongs to a citizen, so a wipe leaves it alone.
import type { StateCreator } from 'zustand/vanilla';
import type { BoothClient } from '../../../shared/contract/client';
import type { AdmissionState, BoothInfo } from '../../../shared/contract/schemas';
import type { JourneyState } from '../journeyStore';

/** 'in-use': another window owns the booth's citizen session (headless host). */
export type ConnectionState = 'connecting' | 'open' | 'lost' | 'gave-up' | 'no-token' | 'in-use';

export interface BoothSlice {
  connection: ConnectionState;
  /** False while the booth's core process is down (the core said so through `booth.status`). */
  inService: boolean;
  /** The citizen has just cancelled or finished: the welcome screen says the data is erased, for a few seconds. */
  erasedNotice: boolean;
  info: BoothInfo | null;
  /** Whether the booth takes a new citizen (its vault has room and is open): booth.info, then booth.admission. */
  admission: AdmissionState;
  setAdmission(admission: AdmissionState): void;
  setConnection(connection: ConnectionState): void;
  /** The core went down (the session died with it) or came back (a fresh start at the welcome screen). */
  setInService(inService: boolean): void;
  setErasedNotice(shown: boolean): void;
  loadInfo(): Promise<void>;
}

const INFO_ATTEMPTS = 5;

export const createBoothSlice =
  (client: BoothClient): StateCreator<JourneyState, [], [], BoothSlice> =>
  (set, get) => ({
    connection: 'connecting',
    inService: true,
    erasedNotice: false,
    info: null,
    admission: { open: true, reason: null },

    setAdmission: (admission) => set({ admission }),
    setConnection: (connection) => set({ connection }),
    setErasedNotice: (erasedNotice) => set({ erasedNotice }),
    setInService(inService) {
      get().resetLocal();
      set({ inService });
      // A page that opened while the core was down may have given up asking for the booth's info.
      if (inService && get().info === null) void get().loadInfo();
    },

    async loadInfo() {
      // Without booth info the screen cannot run (consent version, timeouts): a few tries, then the offline screen stays.
      for (let attempt = 0; attempt < INFO_ATTEMPTS; attempt++) {
        const result = await client.booth.info();
        if (result.ok) {
          set({ info: result.value, admission: result.value.admission });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
      }
    },
  });
