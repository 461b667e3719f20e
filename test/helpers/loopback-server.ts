import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/**
 * A loopback HTTP server for one test file: listening before its tests (on a free port), closed
 * after them with its open connections. `url` is `http://127.0.0.1:<port>` once started.
 */
export function useLoopbackServer(handler: RequestListener): { readonly url: string } {
  const state = { url: '' };
  let server: Server;
  beforeAll(async () => {
    server = createServer(handler);
    server.keepAliveTimeout = 100;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return state;
}
