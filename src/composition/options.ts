import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';

export type { Environment } from '../config/environment';

/** The SDK clients the functions use, one per AWS service. */
export interface AwsClients {
  s3: S3Client;
  dynamodb: DynamoDBClient;
  personalize: PersonalizeClient;
  stepFunctions: SFNClient;
  eventBridge: EventBridgeClient;
  sns: SNSClient;
}

/**
 * What a composition root takes besides the environment. In Lambda nothing is passed: each
 * adapter builds its client with the SDK's defaults (region and credentials from the function's
 * environment), the clock is `Date.now` and the logger the handler's own. Local mode passes clients
 * pointed at its stand-ins by `endpoint`, its virtual clock and a quieter logger.
 */
export interface CompositionOptions {
  /** Clients to use instead of SDK defaults; a missing one is created by its adapter. */
  clients?: Partial<AwsClients>;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
  logger?: Logger;
  /**
   * Where the run metrics' EMF documents go instead of stdout (local mode collects them); see
   * `EmfRunMetrics`.
   */
  metricsOutput?: (line: string) => void;
}
