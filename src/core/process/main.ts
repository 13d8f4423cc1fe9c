// The core process's entry (built to out/core/index.js): the headless host
// forks it, Electron's main process starts it as a utilityProcess. Started
// any other way it says so and exits.
import { scrubText } from '../logging';
import { parentChannel } from './channel';
import { runCore } from './runCore';

const channel = parentChannel();
if (!channel) {
  console.error('This is the booth core process: the booth host (npm start) or the Electron shell starts it; it is not run by hand.');
  process.exit(2);
}

// An error nobody caught leaves the core in an unknown state: say so (scrubbed, like every log line) and end; the shell starts a
// fresh core. Written straight to stderr (synchronous for pipes and files), since the process ends on the next line.
function crash(error: unknown): never {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(
    `${JSON.stringify({ level: 60, time: Date.now(), pid: process.pid, event: 'core.crashed', msg: scrubText(text).slice(0, 4_000) })}\n`,
  );
  process.exit(70);
}
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

runCore(channel);
