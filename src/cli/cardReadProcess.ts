// `booth card read` reads in a child process of its own. A card that stops
// answering leaves a PC/SC transmit blocked in one of libuv's worker threads
// (pcsc-lite cannot interrupt it), and Node joins those threads on exit: the
// process that made the call cannot end until the card answers or is lifted.
// The child prints the result and reports its exit code first; the parent
// ends the child if it cannot exit by itself, so the command always returns.
// (The PC/SC driver now ends a process that exits with a call stuck, by
// SIGTERM: src/core/card/pcsc/stuckCalls.ts; the grace below stays as the
// bound for anything else that holds a worker thread.)
import { fork } from 'node:child_process';

const CHILD_FLAG = 'BOOTH_CLI_CARD_READ_CHILD';
/** How long a child that reported its result may take to exit before it is ended. */
const EXIT_GRACE_MS = 1_000;

export function isCardReadChild(): boolean {
  return process.env[CHILD_FLAG] === '1';
}

/** In the child: tells the parent the exit code before trying to exit (which may never finish). */
export function reportExitCode(code: number): void {
  process.send?.({ exitCode: code });
}

/**
 * In the parent: runs this same command in a child with the same arguments
 * and output, and resolves with its exit code. `boundMs` is the longest the
 * child may run without reporting (the read deadline plus start-up);
 * `onHang` speaks for a child that never reported.
 */
export function runCardReadInChild(boundMs: number, onHang: () => void): Promise<number> {
  return new Promise((resolve) => {
    const child = fork(process.argv[1]!, process.argv.slice(2), {
      execArgv: process.execArgv,
      env: { ...process.env, [CHILD_FLAG]: '1' },
      stdio: 'inherit',
    });
    let reported: number | undefined;
    let grace: ReturnType<typeof setTimeout> | undefined;
    const bound = setTimeout(() => {
      onHang();
      reported = 1;
      child.kill('SIGKILL');
    }, boundMs);
    child.on('message', (message: { exitCode?: unknown }) => {
      reported = typeof message.exitCode === 'number' ? message.exitCode : 1;
      clearTimeout(bound);
      grace = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
    });
    child.once('exit', (code) => {
      clearTimeout(bound);
      clearTimeout(grace);
      resolve(reported ?? code ?? 1);
    });
  });
}
