import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RunRecord } from '../domain/run';

/** The port the record use case depends on. */
export interface RunsStore {
  put(record: RunRecord): Promise<void>;
  get(runId: string): Promise<RunRecord | undefined>;
}

/** Adapter over the runs table (partition key `runId`). */
export class DynamoDbRunsStore implements RunsStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    options: { client?: DynamoDBClient; clientConfig?: DynamoDBClientConfig } = {},
  ) {
    const client = options.client ?? new DynamoDBClient(options.clientConfig ?? {});
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /**
   * Writes the run's final record. A retried record step writes the same item again, so a plain
   * put keeps exactly one record per run.
   */
  async put(record: RunRecord): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: record }));
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { runId }, ConsistentRead: true }));
    return Item as RunRecord | undefined;
  }
}
