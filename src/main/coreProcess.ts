// The core as an Electron utilityProcess: a Node process of its own, so a
// native driver (PC/SC, serial, HID; ONNX Runtime and SQLCipher next) that
// crashes takes only the core down, never the kiosk window, and the
// supervisor (src/core/process) starts a fresh one. Its messages are
// structured clones, like the headless host's child_process channel.
import { utilityProcess } from 'electron';
import type { SpawnedCore } from '../core/process';

export function forkUtilityCore(entry: string): SpawnedCore {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Anjungan IKD core', stdio: 'inherit' });
  let running = true;
  child.once('exit', () => (running = false));
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => {
      if (running) child.postMessage(message);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.once('exit', (code) => listener(code, null)),
    kill: () => {
      if (running) child.kill();
    },
  };
}
