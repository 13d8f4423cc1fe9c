// One journey call from any slice: a snapshot answer moves the journey, an
// error is kept for the screen, and a second tap while a call is in flight
// is not sent.
import type { StoreApi } from 'zustand/vanilla';
import type { Result } from '../../../shared/contract/result';
import type { SessionSnapshot } from '../../../shared/contract/schemas';
import type { JourneyState } from '../journeyStore';
import type { Problem } from './sessionSlice';

type Get = StoreApi<JourneyState>['getState'];
type Set = StoreApi<JourneyState>['setState'];

/** Sends `call`; answers whether it moved the journey. A refusal is shown against `field`. */
export async function sendCall(
  set: Set,
  get: Get,
  call: () => Promise<Result<SessionSnapshot>>,
  field: Problem['field'] = 'general',
): Promise<boolean> {
  if (get().busy) return false; // a second tap while a call is in flight is ignored
  set({ busy: true });
  try {
    const result = await call();
    if (result.ok) {
      get().applySnapshot(result.value);
      set({ problem: null });
      return true;
    }
    if (result.error.code === 'NO_SESSION') get().resetLocal();
    set({
      problem: { field: result.error.code === 'NO_SESSION' ? 'general' : field, code: result.error.code, reason: result.error.reason },
    });
    return false;
  } finally {
    set({ busy: false });
  }
}
