// The message channel between a shell and its core process, whichever
// process API carries it: Node's child_process (structured clone, so image
// bytes cross as bytes) under the headless host, Electron's utilityProcess
// (process.parentPort) under the kiosk shell. src/main adapts utilityProcess
// to SpawnedCore itself, since only it may import electron.
import { fork } from 'node:child_process';

/** The shell's handle on one core process. */
export interface SpawnedCore {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once, however the process ended. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** Ends the process at once (SIGKILL where there are signals). */
  kill(): void;
}

/** The core's side: its parent. */
export interface ParentChannel {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The parent went away (child_process only: a utilityProcess ends with its parent). */
  onParentGone(listener: () => void): void;
}

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

/** The channel this process was started with, or null when no shell started it. */
export function parentChannel(): ParentChannel | null {
  const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (port) {
    return {
      send: (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      onParentGone: () => {},
    };
  }
  const send = process.send?.bind(process);
  if (!send) return null;
  return {
    send: (message) => {
      if (process.connected) send(message);
    },
    onMessage: (listener) => process.on('message', listener),
    onParentGone: (listener) => process.once('disconnect', listener),
  };
}

export interface ForkOptions {
  /** Extra environment for the core (the shell's own is passed on). */
  env?: NodeJS.ProcessEnv;
  /** Where the core's stdout and stderr (its JSON log lines) go: the shell's own, or pipes the caller reads. */
  stdio?: 'inherit' | 'pipe';
  /** Called with each chunk the core writes, when stdio is 'pipe'. */
  onOutput?: (chunk: string) => void;
  /** Node options for the core; the shell's own by default (so tsx's loader follows a shell run under tsx). */
  execArgv?: string[];
}

/** Starts `entry` (out/core/index.js, or src/core/process/main.ts under tsx) as a Node child process. */
export function forkCore(entry: string, options: ForkOptions = {}): SpawnedCore {
  const child = fork(entry, [], {
    serialization: 'advanced',
    ...(options.execArgv ? { execArgv: options.execArgv } : {}),
    env: { ...process.env, ...options.env },
    stdio: options.stdio === 'pipe' ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (options.stdio === 'pipe') {
    child.stdout?.on('data', (chunk) => options.onOutput?.(String(chunk)));
    child.stderr?.on('data', (chunk) => options.onOutput?.(String(chunk)));
  }
  // A send racing the child's death must not throw into the caller: the exit is handled where it is reported.
  child.on('error', () => {});
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => {
      if (child.connected) child.send(message as never, (error) => void error);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.once('exit', (code, signal) => listener(code, signal)),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
