// A PC/SC call waiting on a silent card cannot be interrupted: pcsc-lite's
// SCardTransmit blocks one of libuv's worker threads until the card answers
// or leaves the field (SCardCancel only ends SCardGetStatusChange), and
// Node joins those threads when the process exits (uv_library_shutdown).
// So process.exit() in the host or the Electron main process would wait for
// the card for ever (checked with the real pcscd and a silent vpcd card:
// test/integration/host-card-shutdown.test.ts). The driver counts the
// binding's calls in flight; a process that exits with one still stuck ends
// by SIGTERM instead, as a stopped service does, and never hangs.

let inFlight = 0;
let watching = false;

/** Counts `call` (a promise from the binding) as in flight until it settles; answers it unchanged. */
export function trackBindingCall<T>(call: Promise<T>): Promise<T> {
  inFlight += 1;
  if (!watching) {
    watching = true;
    process.on('exit', endIfStuck);
  }
  const settled = () => {
    inFlight -= 1;
  };
  call.then(settled, settled);
  return call;
}

/** How many binding calls have not returned yet (for tests and the technician view). */
export function bindingCallsInFlight(): number {
  return inFlight;
}

function endIfStuck(): void {
  if (inFlight === 0) return;
  // Exit listeners run synchronously just before Node joins its worker threads: end the process here, by a
  // signal whose default action is to terminate (any listener of ours would only queue it for a loop that no longer runs).
  process.removeAllListeners('SIGTERM');
  process.kill(process.pid, 'SIGTERM');
  process.kill(process.pid, 'SIGKILL');
}
