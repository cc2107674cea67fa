import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RunRecord } from '../domain/run';
import type { ClosingRecord } from '../domain/closed-execution';
import type { Acceptance, ClosedRunRecord, OpenRunCloser, RunLedger, RunProgress, RunsStore } from '../use-cases/ports';
import { isConditionFailure } from './dynamodb-errors';


/** Statuses a record can have before its run ends. */
const TRIGGER_STATUS = { accepted: 'ACCEPTED', rejected: 'REJECTED' } as const;
const IN_PROGRESS_STATUS = { running: 'RUNNING', waitingForCapacity: 'WAITING_FOR_CAPACITY' } as const;

/**
 * Adapter over the runs table (partition key `runId`). One item per run: the trigger creates it
 * (ACCEPTED or REJECTED), the record step completes it. Every write is an update of that one item,
 * so redeliveries and retried steps never make a second record.
 */
export class DynamoDbRunsStore implements RunsStore, RunLedger, RunProgress, OpenRunCloser {
  private readonly documents: DynamoDBDocumentClient;

  private readonly retentionDays: number;

  constructor(
    private readonly tableName: string,
    options: {
      client?: DynamoDBClient;
      clientConfig?: DynamoDBClientConfig;
      /** Days a record the trigger writes is kept if its run never completes it (0: forever). */
      recordRetentionDays?: number | undefined;
    } = {},
  ) {
    this.retentionDays = options.recordRetentionDays ?? 0;
    const client = options.client ?? new DynamoDBClient(options.clientConfig ?? {});
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /**
   * Writes the run's final state over whatever the trigger wrote, keeping the trigger's own fields
   * (`acceptedAt`, `deliveries`). A retried record step writes the same values again.
   */
  async put(record: RunRecord): Promise<void> {
    const { runId, ...fields } = record;
    const set = setFields(fields);
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { runId },
        UpdateExpression: `SET ${set.expression}`,
        ExpressionAttributeNames: set.names,
        ExpressionAttributeValues: set.values,
      }),
    );
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { runId }, ConsistentRead: true }));
    return Item as RunRecord | undefined;
  }

  /**
   * Marks a started run and counts the delivery. `if_not_exists` keeps a run that already finished
   * (a fast run) finished. The item as it was before this write tells which delivery accepted the
   * run: the one that found no `acceptedAt` (only this method sets it; one update is atomic, so
   * concurrent deliveries cannot both find it missing). The delivery count cannot tell it: a
   * redelivery that found the run already closed (`duplicate`) may be counted first.
   */
  async accepted(entry: { runId: string; executionArn: string; inputPath: string; source: Record<string, unknown>; at: string }): Promise<Acceptance> {
    const { Attributes } = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { runId: entry.runId },
        UpdateExpression:
          'SET #status = if_not_exists(#status, :accepted), acceptedAt = if_not_exists(acceptedAt, :at), ' +
          'executionArn = if_not_exists(executionArn, :executionArn), inputPath = if_not_exists(inputPath, :inputPath), ' +
          '#source = if_not_exists(#source, :source)' +
          (this.retentionDays > 0 ? ', expiresAt = if_not_exists(expiresAt, :expiresAt)' : '') +
          ' ADD deliveries :one',
        ExpressionAttributeNames: { '#status': 'status', '#source': 'source' },
        ExpressionAttributeValues: {
          ':accepted': TRIGGER_STATUS.accepted,
          ':at': entry.at,
          ':executionArn': entry.executionArn,
          ':inputPath': entry.inputPath,
          ':source': entry.source,
          ':one': 1,
          ...(this.retentionDays > 0 && { ':expiresAt': this.expiresAt(entry.at) }),
        },
        // The whole item as it was: unambiguous about `acceptedAt`, which if_not_exists may leave untouched.
        ReturnValues: 'ALL_OLD',
      }),
    );
    const before = typeof Attributes?.deliveries === 'number' ? Attributes.deliveries : 0;
    return { first: Attributes?.acceptedAt === undefined, deliveries: before + 1 };
  }

  /** Records a trigger that cannot become a run. Written once: a redelivery finds it there. */
  async rejected(entry: { runId: string; reason: string; source: Record<string, unknown>; at: string }): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            runId: entry.runId,
            status: TRIGGER_STATUS.rejected,
            failureReason: entry.reason,
            source: entry.source,
            rejectedAt: entry.at,
            ...(this.retentionDays > 0 && { expiresAt: this.expiresAt(entry.at) }),
          },
          ConditionExpression: 'attribute_not_exists(runId)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** DynamoDB TTL reads epoch seconds. The record step sets its own when the run completes. */
  private expiresAt(isoTime: string): number {
    return Math.floor(Date.parse(isoTime) / 1000) + this.retentionDays * 86_400;
  }

  /** Counts a redelivered trigger on the run it belongs to. */
  async duplicate(entry: { runId: string; at: string }): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { runId: entry.runId },
        UpdateExpression: 'ADD deliveries :one SET lastDeliveryAt = :at',
        ExpressionAttributeValues: { ':one': 1, ':at': entry.at },
      }),
    );
  }

  async jobStarted(entry: Parameters<RunProgress['jobStarted']>[0]): Promise<void> {
    await this.markInProgress(entry.runId, IN_PROGRESS_STATUS.running, {
      jobArn: entry.jobArn,
      jobName: entry.jobName,
      jobCreatedAt: entry.jobCreatedAt,
      ...(entry.jobType !== undefined && { jobType: entry.jobType }),
      ...(entry.jobGroup !== undefined && { jobGroup: entry.jobGroup }),
      ...(entry.startedAt !== undefined && { startedAt: entry.startedAt }),
    });
  }

  async waitingForCapacity(entry: Parameters<RunProgress['waitingForCapacity']>[0]): Promise<void> {
    await this.markInProgress(entry.runId, IN_PROGRESS_STATUS.waitingForCapacity, {
      capacityAttempts: entry.attempts,
      queuedSince: entry.since,
      ...(entry.jobGroup !== undefined && { jobGroup: entry.jobGroup }),
      ...(entry.startedAt !== undefined && { startedAt: entry.startedAt }),
    });
  }

  /**
   * Sets an in-progress status unless the run already has its final one: the condition keeps a
   * late or retried progress write from reopening a finished run.
   */
  private async markInProgress(runId: string, status: string, fields: Record<string, string | number>): Promise<void> {
    await this.updateWhileOpen(runId, { status, ...fields });
  }

  /**
   * Sets fields on a run's record only while it is missing or under way (ACCEPTED, RUNNING,
   * WAITING_FOR_CAPACITY), so no late or retried write changes an outcome already recorded.
   * Returns the item as written (all of it with `returnRecord`), or undefined when it wrote nothing.
   */
  private async updateWhileOpen(runId: string, fields: Record<string, unknown>, returnRecord = false): Promise<Record<string, unknown> | undefined> {
    const set = setFields(fields);
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { runId },
          UpdateExpression: `SET ${set.expression}`,
          ConditionExpression: 'attribute_not_exists(#open) OR #open IN (:accepted, :running, :waiting)',
          ExpressionAttributeNames: { '#open': 'status', ...set.names },
          ExpressionAttributeValues: {
            ':accepted': TRIGGER_STATUS.accepted,
            ':running': IN_PROGRESS_STATUS.running,
            ':waiting': IN_PROGRESS_STATUS.waitingForCapacity,
            ...set.values,
          },
          ...(returnRecord && { ReturnValues: 'ALL_NEW' as const }),
        }),
      );
      return Attributes ?? { runId, ...fields };
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /**
   * Gives a run its final status when the state machine could not: only a record that is missing
   * or still under way is changed, so an outcome the run recorded itself always stands. Returns
   * the whole record as written (its group and figures, for the run's metrics).
   */
  async closeIfOpen(record: ClosingRecord): Promise<ClosedRunRecord | undefined> {
    const { runId, ...fields } = record;
    const written = await this.updateWhileOpen(runId, { ...fields, ...(this.retentionDays > 0 && { expiresAt: this.expiresAt(record.completedAt) }) }, true);
    return written as ClosedRunRecord | undefined;
  }
}

/**
 * `#f0 = :v0, #f1 = :v1, ...` for the defined fields. Placeholders for every name keep reserved
 * words (`status`, `source`) out of the expression.
 */
function setFields(fields: Record<string, unknown>): { expression: string; names: Record<string, string>; values: Record<string, unknown> } {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  return {
    expression: entries.map((_, index) => `#f${index} = :v${index}`).join(', '),
    names: Object.fromEntries(entries.map(([name], index) => [`#f${index}`, name])),
    values: Object.fromEntries(entries.map(([, value], index) => [`:v${index}`, value])),
  };
}
