import { listenOnLoopback } from './loopback';
import dynalite from 'dynalite';

export interface LocalDynamoDb {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite on a free loopback port (or `port`); tables appear immediately ACTIVE. In memory,
 * or with `path` in a LevelDB folder there, so tables outlive the process.
 */
export async function startLocalDynamoDb(options: { port?: number; path?: string } = {}): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.path && { path: options.path }) });
  const { endpoint } = await listenOnLoopback(server, options.port);
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
