import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JobType } from '../domain/job-type';
import { isConditionFailure } from './dynamodb-errors';
import type { JobSlots, SlotHolder, SlotTake, SlotWaiter } from '../use-cases/ports';
/** A waiter nobody removed (its run and the sweep both gone) expires with DynamoDB's TTL after 7 days, the state machine's timeout. */
const WAITER_TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * Adapter over one job type's slots and queue in the job slots table (partition key `pk`, sort key
 * `sk`; see resources/job-slots-table.yml). Each job type has items of its own: the slots item
 * `{ pk: "SLOTS#<jobType>", sk: "SLOTS" }`, whose `holders` map runs to `SlotHolder`s, and the
 * queue partition `pk: "QUEUE#<jobType>"`, one item per waiting run with sort key `waiterSortKey`.
 *
 * Slots are one item whose `holders` map has one entry per run holding a slot; taking one is a
 * conditional update (`size(holders) < :limit AND attribute_not_exists(holders.<run>)`), so two runs
 * can never both take the last slot, and a retried take is recognised as the slot already held.
 * The queue is a partition of small items read in sort-key order.
 */
export class DynamoDbJobSlots implements JobSlots {
  private readonly documents: DynamoDBDocumentClient;

  private readonly slotsKey: { pk: string; sk: string };

  private readonly queuePk: string;

  constructor(
    private readonly tableName: string,
    jobType: JobType,
    options: { client?: DynamoDBClient; clientConfig?: DynamoDBClientConfig; now?: () => number } = {},
  ) {
    this.slotsKey = { pk: `SLOTS#${jobType}`, sk: 'SLOTS' };
    this.queuePk = `QUEUE#${jobType}`;
    const client = options.client ?? new DynamoDBClient(options.clientConfig ?? {});
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.now = options.now ?? Date.now;
  }

  private readonly now: () => number;

  async holders(): Promise<SlotHolder[]> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: this.slotsKey, ConsistentRead: true }));
    return Object.values((Item?.holders ?? {}) as Record<string, SlotHolder>).sort((a, b) => a.since.localeCompare(b.since));
  }

  async take(holder: SlotHolder, limit: number): Promise<SlotTake> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.slotsKey,
            UpdateExpression: 'SET holders.#run = :holder',
            ConditionExpression: 'attribute_exists(holders) AND size(holders) < :limit AND attribute_not_exists(holders.#run)',
            ExpressionAttributeNames: { '#run': holder.runId },
            ExpressionAttributeValues: { ':holder': holder, ':limit': limit },
          }),
        );
        return 'TAKEN';
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: this.slotsKey, ConsistentRead: true }));
      if (Item?.holders && holder.runId in (Item.holders as object)) return 'ALREADY_HELD';
      if (Item?.holders) return 'FULL';
      // First use of the table: create the slots item (once, whoever wins), then try again.
      await this.documents
        .send(new PutCommand({ TableName: this.tableName, Item: { ...this.slotsKey, holders: {} }, ConditionExpression: 'attribute_not_exists(pk)' }))
        .catch((error: unknown) => {
          if (!isConditionFailure(error)) throw error;
        });
    }
    return 'FULL';
  }

  async release(runId: string): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.slotsKey,
          UpdateExpression: 'REMOVE holders.#run',
          ConditionExpression: 'attribute_exists(holders.#run)',
          ExpressionAttributeNames: { '#run': runId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async enqueue(waiter: SlotWaiter): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: this.queuePk, sk: waiter.sortKey, ...waiter, expiresAt: Math.floor(this.now() / 1000) + WAITER_TTL_SECONDS },
      }),
    );
  }

  async waiters(): Promise<SlotWaiter[]> {
    const waiters: SlotWaiter[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :queue',
          ExpressionAttributeValues: { ':queue': this.queuePk },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        waiters.push({
          runId: item.runId,
          executionArn: item.executionArn,
          jobName: item.jobName,
          priority: item.priority,
          since: item.since,
          sortKey: item.sortKey,
          taskToken: item.taskToken,
          ...(typeof item.activeAtRefusal === 'number' && { activeAtRefusal: item.activeAtRefusal }),
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return waiters;
  }

  async dequeue(waiter: Pick<SlotWaiter, 'sortKey'> & { taskToken?: string }): Promise<boolean> {
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: this.queuePk, sk: waiter.sortKey },
          ConditionExpression: waiter.taskToken === undefined ? 'attribute_exists(pk)' : 'taskToken = :token',
          ...(waiter.taskToken !== undefined && { ExpressionAttributeValues: { ':token': waiter.taskToken } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
