import { EventBridgeRunEvents } from '../adapters/run-events';
import { SnsRunNotifications } from '../adapters/run-notifications';
import { DynamoDbRunsStore } from '../adapters/runs-table';
import { optionalCountEnv, optionalEnv, requireEnv } from '../config/environment';
import { createRecordClosedExecutionHandler } from '../handlers/record-closed-execution';
import type { RecordClosedExecutionDependencies } from '../use-cases/record-closed-execution';
import type { RunEventPublisher } from '../use-cases/ports';
import { slotQueueDependencies } from './job-slots';
import type { CompositionOptions, Environment } from './options';
import { recordClosedExecutionMetrics } from './run-metrics';

/**
 * recordClosedExecution's dependencies from its environment (serverless.yml
 * `functions.recordClosedExecution.environment`): `RUNS_TABLE_NAME` (required),
 * `RUN_RECORD_RETENTION_DAYS` (days, whole number), `RUN_NOTIFICATION_TOPIC_ARN` (an SNS topic that
 * also gets each final run's summary; unset or empty: none), and the slot queue's
 * `JOB_SLOTS_TABLE_NAME`, `MAX_CONCURRENT_JOBS`. Events always go to the default bus.
 *
 * @throws ConfigurationError naming a variable that is missing or malformed.
 */
export function recordClosedExecutionDependencies(env: Environment, options: CompositionOptions = {}): RecordClosedExecutionDependencies {
  const topicArn = optionalEnv('RUN_NOTIFICATION_TOPIC_ARN', env);
  const publishers: RunEventPublisher[] = [new EventBridgeRunEvents({ client: options.clients?.eventBridge })];
  if (topicArn) publishers.push(new SnsRunNotifications(topicArn, { client: options.clients?.sns }));
  return {
    runs: new DynamoDbRunsStore(requireEnv('RUNS_TABLE_NAME', env), {
      client: options.clients?.dynamodb,
      recordRetentionDays: optionalCountEnv('RUN_RECORD_RETENTION_DAYS', env),
    }),
    publishers,
    now: options.now ?? Date.now,
    queues: slotQueueDependencies(env, options),
  };
}

/**
 * recordClosedExecution's composition root: the Lambda entry point calls it with `process.env` at
 * cold start, local mode with its own values and endpoint clients.
 *
 * @example
 * export const handler = composeRecordClosedExecution(process.env);
 * @throws ConfigurationError as {@link recordClosedExecutionDependencies}.
 */
export function composeRecordClosedExecution(env: Environment, options: CompositionOptions = {}) {
  return createRecordClosedExecutionHandler(recordClosedExecutionDependencies(env, options), options.logger).use(recordClosedExecutionMetrics(env, options));
}
