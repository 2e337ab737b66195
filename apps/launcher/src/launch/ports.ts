import { createServer } from 'node:net';

/** True when nothing listens on host:port (we can bind it ourselves right now). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The preferred port when it is free, else the next free one above it (up to `attempts`
 * tries), else any port the OS hands out. Stable ports on a developer machine make logs and
 * bookmarks predictable; the fallback keeps a second checkout from failing outright.
 */
export async function findFreePort(preferred: number, host = '127.0.0.1', attempts = 20): Promise<number> {
  for (let port = preferred; port < preferred + attempts && port <= 65535; port++) {
    if (await isPortFree(port, host)) return port;
  }
  return ephemeralPort(host);
}

function ephemeralPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
