// A free TCP port on 127.0.0.1 for a service a test starts (swtpm, PostgreSQL).
import { createServer } from 'node:net';

/** A port the kernel just handed out and that was closed again: free now, though another process could take it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
