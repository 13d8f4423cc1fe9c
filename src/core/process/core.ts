// What a shell needs of the booth's core, wherever the core runs: its
// contract handlers and events, the verified face-model files to serve, and
// the two session controls a shell has (is a session open; wipe it). The
// supervised core process (supervisor.ts) and a core in this very process
// (inProcessCore, for tests and benches) both provide it.
import type { BoothHandlers } from '../../shared/contract/dispatch';
import type { WipeReason } from '../../shared/contract/schemas';
import type { Booth, BoothEventListener } from '../booth';

export interface BoothCore {
  handlers: BoothHandlers;
  events: { subscribe(listener: BoothEventListener): () => void };
  /** The face models and runtime as verified at start-up, by file name (empty when the check failed): all the renderer gets. */
  faceModelFiles: ReadonlyMap<string, Uint8Array>;
  /** Whether a citizen session is open now. */
  hasSession(): boolean;
  /** Wipes the citizen session (the page went away, the screen was lost). */
  wipe(reason: WipeReason): void;
  stop(): Promise<void>;
}

/** A core running in this process: the same handlers, with no process boundary. */
export function inProcessCore(booth: Booth): BoothCore {
  return {
    handlers: booth.handlers,
    events: booth.events,
    faceModelFiles: booth.faceModelFiles,
    hasSession: () => booth.session.snapshot() !== null,
    wipe: (reason) => booth.session.wipe(reason),
    stop: () => booth.dispose(),
  };
}
