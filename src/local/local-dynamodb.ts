import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface LocalDynamoDb {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite in memory on a free loopback port; tables appear immediately ACTIVE. */
export async function startLocalDynamoDb(options: { port?: number } = {}): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
