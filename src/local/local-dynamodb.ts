import { listenOnLoopback } from './loopback';
import dynalite from 'dynalite';

export interface LocalDynamoDb {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite in memory on a free loopback port; tables appear immediately ACTIVE. */
export async function startLocalDynamoDb(options: { port?: number } = {}): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const { endpoint } = await listenOnLoopback(server, options.port);
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
