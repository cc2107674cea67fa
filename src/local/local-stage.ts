import { SERVICE_NAME } from '../middleware/handler-kit';
import { LOCAL_ACCOUNT_ID } from './local-aws';

/** The names a `serverless deploy --stage local` would give the service's resources. */
export const LOCAL_STAGE = 'local';
export const LOCAL_BUCKET = `${SERVICE_NAME}-${LOCAL_STAGE}-data`;
export const LOCAL_RUNS_TABLE = `${SERVICE_NAME}-${LOCAL_STAGE}-runs`;
/** serverless.yml's default `metricsNamespace` for the local stage. */
export const LOCAL_METRICS_NAMESPACE = `PersonalizeBatch/${LOCAL_STAGE}`;
export const LOCAL_JOB_SLOTS_TABLE = `${SERVICE_NAME}-${LOCAL_STAGE}-job-slots`;
export const LOCAL_OUTPUT_WAITS_TABLE = `${SERVICE_NAME}-${LOCAL_STAGE}-output-waits`;
export const LOCAL_STATE_MACHINE_NAME = `${SERVICE_NAME}-${LOCAL_STAGE}-batch-inference`;
export const LOCAL_PERSONALIZE_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${SERVICE_NAME}-${LOCAL_STAGE}-personalize`;
export const LOCAL_STATE_MACHINE_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${SERVICE_NAME}-${LOCAL_STAGE}-state-machine`;

// serverless.yml's `params.default`, which a stage deployed without `--param` gets.
export const INPUT_PREFIX = 'input/';
export const OUTPUT_PREFIX = 'output/';
export const CONFIG_PREFIX = 'config/';
export const INPUT_SUFFIXES = ['.json', '.jsonl'];
export const STAGING_PREFIX = 'staging/';
export const RUN_RECORD_RETENTION_DAYS = 365;
