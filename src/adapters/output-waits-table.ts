import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { OutputWait, OutputWaits } from '../use-cases/ports';
import { isConditionFailure } from './dynamodb-errors';

/**
 * Adapter over the output waits table (resources/output-waits-table.yml): one item per waiting
 * run, `{ pk: <output folder key>, sk: <runId>, taskToken, outputLocation, fileKey?, executionArn,
 * expiresAt }`. Keyed by folder so the object-created event of `output/<runId>/users.jsonl.out`
 * finds its waiters with one Query on `output/<runId>/`, without a scan.
 */
export class DynamoDbOutputWaits implements OutputWaits {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    options: { client?: DynamoDBClient; clientConfig?: DynamoDBClientConfig } = {},
  ) {
    const client = options.client ?? new DynamoDBClient(options.clientConfig ?? {});
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async register(wait: OutputWait, expiresAtSeconds: number): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { pk: wait.folderKey, sk: wait.runId, ...wait, expiresAt: expiresAtSeconds } }));
  }

  async waitingIn(folderKey: string): Promise<OutputWait[]> {
    const waits: OutputWait[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :folder',
          ExpressionAttributeValues: { ':folder': folderKey },
          // A registration that just happened must be seen: it is what closes the lost wake-up race.
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        waits.push({
          folderKey: item.folderKey ?? item.pk,
          fileKey: item.fileKey,
          runId: item.runId ?? item.sk,
          executionArn: item.executionArn,
          outputLocation: item.outputLocation,
          taskToken: item.taskToken,
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return waits;
  }

  async remove(wait: Pick<OutputWait, 'folderKey' | 'runId' | 'taskToken'>): Promise<boolean> {
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: wait.folderKey, sk: wait.runId },
          // A newer registration of the same run (a later wait) keeps its item.
          ConditionExpression: 'taskToken = :token',
          ExpressionAttributeValues: { ':token': wait.taskToken },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
