import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Listens on 127.0.0.1 only (stand-ins are never reachable from elsewhere), on `port` or a free
 * one, and returns the endpoint AWS SDK clients take.
 */
export async function listenOnLoopback(server: Server, port = 0): Promise<{ endpoint: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${address.port}`, port: address.port };
}
