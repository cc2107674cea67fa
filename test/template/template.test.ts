import { readdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import definitionFile from '../../statemachine/batch-inference.asl.json';
import { loadSchedules } from '../../resources/schedules-file';
import { composeGetJobStatus } from '../../src/composition/get-job-status';
import { composeJobOutputCreated } from '../../src/composition/job-output-created';
import { composeWaitForJobOutput } from '../../src/composition/wait-for-job-output';
import type { Environment } from '../../src/composition/options';
import { composeRecordClosedExecution } from '../../src/composition/record-closed-execution';
import { composeRecordRun } from '../../src/composition/record-run';
import { composeStartJob } from '../../src/composition/start-job';
import { composeSweepJobSlots } from '../../src/composition/sweep-job-slots';
import { composeWaitForJobSlot } from '../../src/composition/wait-for-job-slot';
import { composeTrigger } from '../../src/composition/trigger';
import { composeVerifyOutput } from '../../src/composition/verify-output';
import { ScheduleInvocationSchema } from '../../src/domain/schedule-event';
import { localFunctionEnvironment } from '../../src/local/local-functions';
import { RUNS_TABLE_SCHEMA } from '../../src/local/runs-table-schema';
import { RUNS_BY_JOB_GROUP_INDEX } from '../../src/adapters/run-history';
import { packageService, type CloudFormationTemplate } from '../support/package-service';

const SCHEDULES = loadSchedules(resolve(__dirname, '../../schedules.json'));
const FUNCTIONS = ['Trigger', 'StartJob', 'WaitForJobSlot', 'SweepJobSlots', 'GetJobStatus', 'WaitForJobOutput', 'JobOutputCreated', 'VerifyOutput', 'RecordRun', 'RecordClosedExecution'];
const COMPOSITION_ROOTS: Record<string, (env: Environment) => unknown> = {
  Trigger: composeTrigger,
  StartJob: composeStartJob,
  WaitForJobSlot: composeWaitForJobSlot,
  SweepJobSlots: composeSweepJobSlots,
  GetJobStatus: composeGetJobStatus,
  WaitForJobOutput: composeWaitForJobOutput,
  JobOutputCreated: composeJobOutputCreated,
  VerifyOutput: composeVerifyOutput,
  RecordRun: composeRecordRun,
  RecordClosedExecution: composeRecordClosedExecution,
};
/** Variables every function gets from `provider.environment`, which no composition root reads. */
const PROVIDER_VARIABLES = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL'];

/** Actions that accept no resource-level permissions, per the Service Authorization Reference. */
const XRAY = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
/** What a function that takes, frees or hands on job slots does to the job slots table. */
/** The posture of a table holding only live state (job slots, output waits): on demand, `pk`/`sk`, encrypted, items expiring. */
const LIVE_STATE_TABLE = {
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  SSESpecification: { SSEEnabled: true },
  TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
};
const JOB_SLOTS = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];
const UNSCOPABLE_ACTIONS = new Set([
  ...XRAY,
  // The job slot queue. Personalize's List actions name no resource type in the Service
  // Authorization Reference (a List call is evaluated against "*", so an ARN pattern would deny it).
  // The task-token calls carry a token, not an ARN; we found no resource type for them in the docs
  // we have (UNCONFIRMED), so they keep "*" until one is shown.
  'personalize:ListBatchInferenceJobs',
  'personalize:ListBatchSegmentJobs',
  'states:SendTaskSuccess',
  'states:SendTaskHeartbeat',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  // Vended log delivery for Step Functions logging (AWS documents these with Resource "*").
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);


describe('serverless package', () => {
  let directory: string;
  let template: CloudFormationTemplate;

  beforeAll(async () => {
    ({ directory, template } = await packageService('test'));
  }, 120_000);

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  const resource = (logicalId: string) => {
    const found = template.Resources[logicalId];
    if (!found) throw new Error(`Template has no ${logicalId}; it has ${Object.keys(template.Resources).join(', ')}`);
    return found;
  };

  it('bundles one zip per function', async () => {
    const files = await readdir(directory);
    expect(files).toEqual(expect.arrayContaining(['trigger.zip', 'startJob.zip', 'getJobStatus.zip', 'verifyOutput.zip', 'recordRun.zip']));
  });

  it.each(FUNCTIONS)('defines the %s function on nodejs22.x arm64 with its own role', (name) => {
    const fn = resource(`${name}LambdaFunction`);
    expect(fn.Type).toBe('AWS::Lambda::Function');
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    expect(fn.Properties?.Role).toEqual({ 'Fn::GetAtt': [`${name}Role`, 'Arn'] });
  });

  const variablesOf = (name: string): Record<string, unknown> => resource(`${name}LambdaFunction`).Properties?.Environment?.Variables ?? {};

  it.each(FUNCTIONS)('gives the %s function every variable its composition root requires', (name) => {
    // Prepare: references resolve at deploy time; any text stands in for them, literals stay.
    const env = Object.fromEntries(Object.entries(variablesOf(name)).map(([key, value]) => [key, typeof value === 'string' ? value : `resolved-${key}`]));

    // Act & Assess
    expect(() => COMPOSITION_ROOTS[name]?.(env)).not.toThrow();
  });

  it.each(FUNCTIONS)('sets every variable of the %s function in local mode too', (name) => {
    // Prepare: the state machine's ARN is added once the local one exists.
    const local: Environment = { ...localFunctionEnvironment({ defaultSolutionVersionArn: 'arn:local' }).env, STATE_MACHINE_ARN: 'arn:local' };

    // Act
    const missing = Object.keys(variablesOf(name)).filter((key) => !PROVIDER_VARIABLES.includes(key) && local[key] === undefined);

    // Assess
    expect(missing).toEqual([]);
  });

  it('loads the state machine from the ASL file with the stage function names resolved', () => {
    const stateMachine = resource('BatchInferenceStateMachine');
    expect(stateMachine.Type).toBe('AWS::StepFunctions::StateMachine');
    const definition = JSON.parse(stateMachine.Properties?.DefinitionString as string);
    expect(Object.keys(definition.States)).toEqual(Object.keys(definitionFile.States));
    expect(definition.States['Start job'].Parameters.FunctionName).toBe('personalize-batch-orchestrator-test-startJob');
    expect(definition.States['Get job status'].Parameters.FunctionName).toBe('personalize-batch-orchestrator-test-getJobStatus');
    expect(definition.States['Verify output'].Parameters.FunctionName).toBe('personalize-batch-orchestrator-test-verifyOutput');
    expect(stateMachine.Properties?.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('lets the state machine invoke the workflow functions and none of the event functions', () => {
    const policy = JSON.stringify(resource('BatchInferenceStateMachineRole').Properties?.Policies);
    for (const name of ['startJob', 'waitForJobSlot', 'getJobStatus', 'waitForJobOutput', 'verifyOutput', 'recordRun']) expect(policy).toContain(`personalize-batch-orchestrator-test-${name}"`);
    for (const name of ['trigger', 'recordClosedExecution', 'jobOutputCreated', 'sweepJobSlots']) expect(policy).not.toContain(`personalize-batch-orchestrator-test-${name}`);
  });

  it('sizes verifyOutput to stream a 1 GB output: Lambda\'s maximum timeout, under its Task\'s, and a full vCPU', () => {
    const fn = resource('VerifyOutputLambdaFunction').Properties;
    const definition = JSON.parse(resource('BatchInferenceStateMachine').Properties?.DefinitionString as string);
    expect(fn).toMatchObject({ Timeout: 900, MemorySize: 1769 });
    expect(definition.States['Verify output'].TimeoutSeconds).toBeGreaterThan(900);
  });

  it('lets verifyOutput list and read only the output and staging prefixes, and use the bucket key only when there is one', () => {
    const statements = allowStatements(template, 'VerifyOutputRole');
    const list = statements.find((statement) => actionsOf(statement).includes('s3:ListBucket'));
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['output/*', 'staging/*'] } });
    expect(subBodies(list?.Resource)).toEqual(['arn:${AWS::Partition}:s3:::${Bucket}']);
    const read = statements.find((statement) => actionsOf(statement).includes('s3:GetObject'));
    expect(actionsOf(read ?? {})).toEqual(['s3:GetObject']);
    expect(subBodies(read?.Resource)).toEqual(['arn:${AWS::Partition}:s3:::${Bucket}/output/*', 'arn:${AWS::Partition}:s3:::${Bucket}/staging/*']);
    // The bucket in both is the data bucket, created or existing.
    expect(JSON.stringify([list?.Resource, read?.Resource])).not.toMatch(/config\/|input\/|scheduled\//);
    const raw = resource('VerifyOutputRole').Properties?.Policies[0].PolicyDocument.Statement as Array<Record<string, unknown>>;
    expect(raw).toContainEqual({
      'Fn::If': ['UseBucketKmsKey', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { Ref: 'BucketKmsKeyArn' } }, { Ref: 'AWS::NoValue' }],
    });
  });

  it('notifies the trigger of uploads under the input prefix only, and jobOutputCreated of .out files under the output prefix only', () => {
    const bucket = resource('DataBucket');
    const configurations = bucket.Properties?.NotificationConfiguration.LambdaConfigurations as Array<{ Filter: { S3Key: { Rules: Array<{ Name: string; Value: string }> } } }>;
    expect(configurations).toEqual([
      {
        Event: 's3:ObjectCreated:*',
        Function: { 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] },
        Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'input/' }] } },
      },
      {
        Event: 's3:ObjectCreated:*',
        Function: { 'Fn::GetAtt': ['JobOutputCreatedLambdaFunction', 'Arn'] },
        Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'output/' }, { Name: 'suffix', Value: '.out' }] } },
      },
    ]);
    // S3 refuses two configurations of the same event whose prefixes overlap: neither prefix may contain the other.
    const [input, output] = configurations.map((configuration) => configuration.Filter.S3Key.Rules[0]?.Value ?? '');
    expect(input?.startsWith(output ?? '') || output?.startsWith(input ?? '')).toBe(false);
    for (const permission of ['TriggerS3InvokePermission', 'JobOutputCreatedS3InvokePermission']) {
      expect(resource(permission).Properties).toMatchObject({ Principal: 's3.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' } });
    }
    expect(bucket.DependsOn).toEqual(expect.arrayContaining(['TriggerS3InvokePermission', 'JobOutputCreatedS3InvokePermission']));
  });

  it('keeps the output waits on demand, encrypted and expiring, and lets getJobStatus know where output events come from', () => {
    expect(resource('OutputWaitsTable').Properties).toMatchObject(LIVE_STATE_TABLE);
    for (const name of ['GetJobStatus', 'WaitForJobOutput', 'JobOutputCreated']) expect(variablesOf(name)).toMatchObject({ OUTPUT_PREFIX: 'output/' });
    // getJobStatus decides; it touches neither the output waits nor the bucket.
    expect(JSON.stringify(allowStatements(template, 'GetJobStatusRole'))).not.toMatch(/OutputWaitsTable|s3:/);
  });

  it('lets waitForJobOutput list only the output prefix, and read no object', () => {
    const statements = allowStatements(template, 'WaitForJobOutputRole');
    const list = statements.find((statement) => actionsOf(statement).includes('s3:ListBucket'));
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['output/*'] } });
    expect(subBodies(list?.Resource)).toEqual(['arn:${AWS::Partition}:s3:::${Bucket}']);
  });

  it('defines the runs table keyed by runId, on demand', () => {
    const table = resource('RunsTable');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'runId', KeyType: 'HASH' }],
    });
  });

  it('indexes finished runs by job group, newest first, as the history adapter and the local table expect', () => {
    const table = resource('RunsTable').Properties;
    expect(table?.GlobalSecondaryIndexes).toEqual(RUNS_TABLE_SCHEMA.GlobalSecondaryIndexes);
    expect(table?.GlobalSecondaryIndexes[0].IndexName).toBe(RUNS_BY_JOB_GROUP_INDEX);
    expect([...(table?.AttributeDefinitions ?? [])].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName))).toEqual(
      [...RUNS_TABLE_SCHEMA.AttributeDefinitions].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName)),
    );
    expect(table?.KeySchema).toEqual(RUNS_TABLE_SCHEMA.KeySchema);
  });

  it('passes the stage parameters to the start function', () => {
    const environment = resource('StartJobLambdaFunction').Properties?.Environment.Variables;
    expect(environment).toHaveProperty('DEFAULT_SOLUTION_VERSION_ARN');
    expect(environment.PERSONALIZE_ROLE_ARN).toEqual({
      'Fn::If': ['CreatePersonalizeRole', { 'Fn::GetAtt': ['PersonalizeServiceRole', 'Arn'] }, { Ref: 'PersonalizeRoleArn' }],
    });
    expect(resource('TriggerLambdaFunction').Properties?.Environment.Variables.STATE_MACHINE_ARN).toEqual({ Ref: 'BatchInferenceStateMachine' });
    expect(resource('RecordRunLambdaFunction').Properties?.Environment.Variables.RUNS_TABLE_NAME).toEqual({ Ref: 'RunsTable' });
  });

  it('scopes iam:PassRole to the Personalize role and service', () => {
    const passRole = allowStatements(template, 'StartJobRole').find((statement) => actionsOf(statement).includes('iam:PassRole'));
    expect(passRole).toMatchObject({
      Resource: { 'Fn::If': ['CreatePersonalizeRole', { 'Fn::GetAtt': ['PersonalizeServiceRole', 'Arn'] }, { Ref: 'PersonalizeRoleArn' }] },
      Condition: { StringEquals: { 'iam:PassedToService': 'personalize.amazonaws.com' } },
    });
  });

  it('has no IAM role besides the ones it declares (no unused default Lambda role)', () => {
    const roles = Object.entries(template.Resources).filter(([, candidate]) => candidate.Type === 'AWS::IAM::Role').map(([id]) => id);
    expect(roles.sort()).toEqual(
      [
        'BatchInferenceStateMachineRole',
        'GetJobStatusRole',
        'JobOutputCreatedRole',
        'PersonalizeServiceRole',
        'RecordClosedExecutionRole',
        'RecordRunRole',
        'SchedulerRole',
        'StartJobRole',
        'SweepJobSlotsRole',
        'TriggerRole',
        'VerifyOutputRole',
        'WaitForJobOutputRole',
        'WaitForJobSlotRole',
      ].sort(),
    );
  });

  it.each([
    [
      'TriggerRole',
      [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        's3:GetObject',
        's3:ListBucket',
        'sqs:SendMessage',
        'states:StartExecution',
        ...XRAY,
      ],
    ],
    [
      'StartJobRole',
      [
        // The runs table (UpdateItem; Query on the by-group index) and the job slots table.
        ...JOB_SLOTS,
        'iam:PassRole',
        'personalize:ListBatchInferenceJobs',
  'personalize:ListBatchSegmentJobs',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'personalize:CreateBatchInferenceJob',
        'personalize:CreateBatchSegmentJob',
        'personalize:DescribeBatchInferenceJob',
        'personalize:DescribeBatchSegmentJob',
        'personalize:ListSolutionVersions',
        'personalize:TagResource',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        's3:GetObject',
        's3:GetObjectVersion',
        's3:ListBucket',
        's3:PutObject',
        ...XRAY,
      ],
    ],
    [
      'GetJobStatusRole',
      [
        ...JOB_SLOTS,
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'personalize:DescribeBatchInferenceJob',
        'personalize:DescribeBatchSegmentJob',
        'personalize:ListBatchInferenceJobs',
        'personalize:ListBatchSegmentJobs',
        'states:SendTaskSuccess',
        ...XRAY,
      ],
    ],
    ['VerifyOutputRole', ['kms:Decrypt', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:GetObject', 's3:ListBucket', ...XRAY]],
    ['RecordRunRole', ['dynamodb:UpdateItem', 'logs:CreateLogStream', 'logs:PutLogEvents', ...XRAY]],
    ['SchedulerRole', ['lambda:InvokeFunction', 'sqs:SendMessage']],
    [
      'RecordClosedExecutionRole',
      [...JOB_SLOTS, 'events:PutEvents', 'logs:CreateLogStream', 'logs:PutLogEvents', 'personalize:ListBatchInferenceJobs', 'personalize:ListBatchSegmentJobs', 'sns:Publish', 'sqs:SendMessage', 'states:SendTaskSuccess', ...XRAY],
    ],
    ['WaitForJobSlotRole', [...JOB_SLOTS, 'logs:CreateLogStream', 'logs:PutLogEvents', 'personalize:ListBatchInferenceJobs', 'personalize:ListBatchSegmentJobs', 'states:SendTaskSuccess', ...XRAY]],
    [
      'SweepJobSlotsRole',
      [...JOB_SLOTS, 'logs:CreateLogStream', 'logs:PutLogEvents', 'personalize:ListBatchInferenceJobs', 'personalize:ListBatchSegmentJobs', 'states:DescribeExecution', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess', ...XRAY],
    ],
    ['WaitForJobOutputRole', ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:ListBucket', 'states:SendTaskSuccess', ...XRAY]],
    ['JobOutputCreatedRole', ['dynamodb:DeleteItem', 'dynamodb:Query', 'logs:CreateLogStream', 'logs:PutLogEvents', 'states:SendTaskSuccess', ...XRAY]],
    ['PersonalizeServiceRole', ['s3:GetObject', 's3:ListBucket', 's3:PutObject']],
  ])('gives %s exactly the actions it needs', (roleId, expected) => {
    const actions = new Set(allowStatements(template, roleId).flatMap(actionsOf));
    expect([...actions].sort()).toEqual([...expected].sort());
  });

  it('never allows a wildcard resource for an action that supports resource-level permissions', () => {
    const offenders = allRoleStatements(template)
      .filter(({ statement }) => statement.Effect === 'Allow' && resourcesOf(statement).includes('*'))
      .flatMap(({ roleId, statement }) => actionsOf(statement).filter((action) => !UNSCOPABLE_ACTIONS.has(action)).map((action) => `${roleId}: ${action}`));
    expect(offenders).toEqual([]);
  });

  it('never allows a wildcard action', () => {
    const wildcards = allRoleStatements(template)
      .filter(({ statement }) => statement.Effect === 'Allow')
      .flatMap(({ roleId, statement }) => actionsOf(statement).filter((action) => action.includes('*')).map((action) => `${roleId}: ${action}`));
    expect(wildcards).toEqual([]);
  });

  it('scopes Personalize actions to this account and region', () => {
    for (const roleId of ['StartJobRole', 'GetJobStatusRole', 'WaitForJobSlotRole', 'SweepJobSlotsRole', 'RecordClosedExecutionRole']) {
      // The List calls take no resource (see UNSCOPABLE_ACTIONS): their own statement, "*", nothing else in it.
      const personalize = allowStatements(template, roleId).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('personalize:') && !UNSCOPABLE_ACTIONS.has(action)),
      );
      for (const statement of personalize) {
        for (const resource of resourcesOf(statement)) {
          expect(resource).toMatch(/^arn:\$\{AWS::Partition\}:personalize:\$\{AWS::Region\}:\$\{AWS::AccountId\}:(batch-inference-job|batch-segment-job|solution|filter)\/\*$/);
        }
      }
    }
  });

  it('lets the start function list solution versions of this account and region\'s solutions only', () => {
    const statements = allowStatements(template, 'StartJobRole').filter((statement) => actionsOf(statement).includes('personalize:ListSolutionVersions'));
    expect(statements).toHaveLength(1);
    expect(actionsOf(statements[0]!)).toEqual(['personalize:ListSolutionVersions']);
    expect(resourcesOf(statements[0]!)).toEqual(['arn:${AWS::Partition}:personalize:${AWS::Region}:${AWS::AccountId}:solution/*']);
    for (const roleId of ['TriggerRole', 'GetJobStatusRole', 'RecordRunRole', 'RecordClosedExecutionRole']) {
      expect(allowStatements(template, roleId).flatMap(actionsOf)).not.toContain('personalize:ListSolutionVersions');
    }
  });

  it('allows each job type\'s calls on its own job ARNs only (batch-inference-job/*, batch-segment-job/*)', () => {
    const jobResources = (roleId: string, action: string) =>
      allowStatements(template, roleId)
        .filter((statement) => actionsOf(statement).includes(action))
        .flatMap(resourcesOf)
        .map((resource) => JSON.stringify(resource).match(/:(batch-[a-z-]+-job)\/\*/)?.[1])
        .filter((resource) => resource !== undefined);
    for (const action of ['personalize:CreateBatchSegmentJob', 'personalize:DescribeBatchSegmentJob']) {
      expect(jobResources('StartJobRole', action)).toEqual(['batch-segment-job']);
    }
    for (const action of ['personalize:CreateBatchInferenceJob', 'personalize:DescribeBatchInferenceJob']) {
      expect(jobResources('StartJobRole', action)).toEqual(['batch-inference-job']);
    }
    expect(new Set(jobResources('StartJobRole', 'personalize:TagResource'))).toEqual(new Set(['batch-inference-job', 'batch-segment-job']));
    expect(jobResources('GetJobStatusRole', 'personalize:DescribeBatchSegmentJob')).toEqual(['batch-segment-job']);
    expect(jobResources('GetJobStatusRole', 'personalize:DescribeBatchInferenceJob')).toEqual(['batch-inference-job']);
  });

  it('lets the trigger start only this state machine and DynamoDB writes reach only the runs and job slots tables each function uses', () => {
    const start = allowStatements(template, 'TriggerRole').find((statement) => actionsOf(statement).includes('states:StartExecution'));
    expect(start?.Resource).toEqual({ Ref: 'BatchInferenceStateMachine' });
    const runsTable = { 'Fn::GetAtt': ['RunsTable', 'Arn'] };
    const jobSlotsTable = { 'Fn::GetAtt': ['JobSlotsTable', 'Arn'] };
    const outputWaitsTable = { 'Fn::GetAtt': ['OutputWaitsTable', 'Arn'] };
    for (const [roleId, tables] of [
      ['RecordClosedExecutionRole', [runsTable, jobSlotsTable]],
      ['RecordRunRole', [runsTable]],
      ['StartJobRole', [runsTable, jobSlotsTable]],
      ['TriggerRole', [runsTable]],
      ['WaitForJobSlotRole', [jobSlotsTable]],
      ['GetJobStatusRole', [jobSlotsTable]],
      ['SweepJobSlotsRole', [jobSlotsTable]],
      ['WaitForJobOutputRole', [outputWaitsTable]],
      ['JobOutputCreatedRole', [outputWaitsTable]],
    ] as const) {
      const writes = allowStatements(template, roleId).filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:') && action !== 'dynamodb:Query'));
      expect(writes.map((statement) => JSON.stringify(statement.Resource)).sort()).toEqual(tables.map((table) => JSON.stringify(table)).sort());
    }
    // Personalize's List call stands alone in its "*" statement: nothing scopable rides along.
    for (const statement of allRoleStatements(template).map(({ statement }) => statement)) {
      if (actionsOf(statement).includes('personalize:ListBatchInferenceJobs')) {
        expect(actionsOf(statement)).toEqual(['personalize:ListBatchInferenceJobs', 'personalize:ListBatchSegmentJobs']);
      }
    }
  });

  it("lets only startJob Query, and only the runs table's by-group index", () => {
    const queries = allRoleStatements(template).filter(
      ({ statement }) => actionsOf(statement).includes('dynamodb:Query') && JSON.stringify(statement.Resource).includes('RunsTable'),
    );
    expect(queries.map(({ roleId }) => roleId)).toEqual(['StartJobRole']);
    expect(queries[0]?.statement).toMatchObject({ Action: 'dynamodb:Query', Resource: { 'Fn::Sub': `\${RunsTable.Arn}/index/${RUNS_BY_JOB_GROUP_INDEX}` } });
  });

  it('limits each function to writing its own log group', () => {
    for (const [roleId, functionKey] of [
      ['TriggerRole', 'trigger'],
      ['StartJobRole', 'startJob'],
      ['WaitForJobSlotRole', 'waitForJobSlot'],
      ['SweepJobSlotsRole', 'sweepJobSlots'],
      ['GetJobStatusRole', 'getJobStatus'],
      ['WaitForJobOutputRole', 'waitForJobOutput'],
      ['JobOutputCreatedRole', 'jobOutputCreated'],
      ['VerifyOutputRole', 'verifyOutput'],
      ['RecordRunRole', 'recordRun'],
      ['RecordClosedExecutionRole', 'recordClosedExecution'],
    ]) {
      const logs = allowStatements(template, roleId ?? '').find((statement) => actionsOf(statement).includes('logs:PutLogEvents'));
      expect(resourcesOf(logs ?? {})).toEqual([`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/personalize-batch-orchestrator-test-${functionKey}:*`]);
    }
  });

  it('lets only this account\'s Personalize assume the Personalize role, created unless one is given', () => {
    const role = resource('PersonalizeServiceRole');
    expect(role.Condition).toBe('CreatePersonalizeRole');
    expect(role.Properties?.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'personalize.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(resource('PersonalizeServiceRoleKmsPolicy')).toMatchObject({ Condition: 'CreatePersonalizeRoleWithKms' });
  });

  it('encrypts the bucket (SSE-S3, or the KMS key given), blocks public access, versions and expires old output', () => {
    const bucket = resource('DataBucket');
    expect(bucket.Condition).toBe('CreateDataBucket');
    expect(bucket.Properties?.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      'Fn::If': ['UseBucketKmsKey', { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { Ref: 'BucketKmsKeyArn' } }, { SSEAlgorithm: 'AES256' }],
    });
    expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties?.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const rules = bucket.Properties?.LifecycleConfiguration.Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Prefix: 'output/', ExpirationInDays: { 'Fn::If': ['ExpireOutputs', { Ref: 'OutputRetentionDays' }, 1] } }),
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
      ]),
    );
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('denies non-TLS access to the bucket and limits Personalize to this account and the right prefixes', () => {
    const statements = resource('DataBucketPolicy').Properties?.PolicyDocument.Statement as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const personalize = statements.filter((statement) => statement.Principal?.Service === 'personalize.amazonaws.com');
    expect(personalize.map((statement) => statement.Action).sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
    for (const statement of personalize) {
      expect(statement.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
    }
    expect(personalize.find((statement) => statement.Action === 's3:GetObject')?.Resource).toEqual([
      { 'Fn::Sub': '${DataBucket.Arn}/staging/*' },
      { 'Fn::Sub': '${DataBucket.Arn}/input/*' },
    ]);
    expect(personalize.find((statement) => statement.Action === 's3:PutObject')?.Resource).toEqual({ 'Fn::Sub': '${DataBucket.Arn}/output/*' });
  });

  it('gives the deployment bucket the data bucket\'s posture: encrypted, private, versioned, TLS-only, old versions expiring', () => {
    const bucket = resource('ServerlessDeploymentBucket');
    expect(bucket.Properties?.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties?.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties?.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.Properties?.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
        expect.objectContaining({ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
      ]),
    );
    const statements = resource('ServerlessDeploymentBucketPolicy').Properties?.PolicyDocument.Statement as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': false } } }),
    );
  });

  it('takes uploads from an existing bucket through EventBridge instead', () => {
    const rule = resource('ExistingBucketUploadRule');
    expect(rule.Condition).toBe('UseExistingBucket');
    expect(rule.Properties?.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [{ Ref: 'ExistingBucketName' }] }, object: { key: [{ prefix: 'input/' }] } },
    });
    expect(rule.Properties?.Targets[0].DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['TriggerFailureQueue', 'Arn'] } });
    for (const logicalId of ['DataBucket', 'DataBucketPolicy', 'TriggerS3InvokePermission', 'JobOutputCreatedS3InvokePermission']) expect(resource(logicalId).Condition).toBe('CreateDataBucket');
    expect(resource('TriggerEventsInvokePermission').Condition).toBe('UseExistingBucket');
    // Its output files wake the waiting runs through EventBridge as well.
    const outputRule = resource('ExistingBucketOutputRule');
    expect(outputRule.Condition).toBe('UseExistingBucket');
    expect(outputRule.Properties?.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [{ Ref: 'ExistingBucketName' }] }, object: { key: [{ prefix: 'output/' }] } },
    });
    expect(outputRule.Properties?.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['JobOutputCreatedLambdaFunction', 'Arn'] });
    expect(resource('JobOutputCreatedEventsInvokePermission')).toMatchObject({ Condition: 'UseExistingBucket', Properties: { Principal: 'events.amazonaws.com' } });
  });

  it('parks trigger invocations that fail every retry in an encrypted queue', () => {
    expect(resource('TriggerLambdaEvConf').Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['TriggerFailureQueue', 'Arn'] } } },
    });
    expect(resource('TriggerFailureQueue').Properties).toMatchObject({ SqsManagedSseEnabled: true });
  });

  it('keeps the runs table on demand, recoverable, encrypted and expiring old records', () => {
    expect(resource('RunsTable').Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(resource('RecordRunLambdaFunction').Properties?.Environment.Variables.RUN_RECORD_RETENTION_DAYS).toBe('365');
  });

  it('keeps the job slots table on demand, encrypted, with waiters expiring, and sweeps it every 5 minutes', () => {
    expect(resource('JobSlotsTable').Properties).toMatchObject(LIVE_STATE_TABLE);
    const rules = Object.values(template.Resources).filter(
      (candidate) => candidate.Type === 'AWS::Events::Rule' && JSON.stringify(candidate.Properties?.Targets).includes('SweepJobSlotsLambdaFunction'),
    );
    expect(rules.map((rule) => rule.Properties?.ScheduleExpression)).toEqual(['rate(5 minutes)']);
  });

  it.each([
    ['StartJobLambdaFunction'],
    ['WaitForJobSlotLambdaFunction'],
    ['SweepJobSlotsLambdaFunction'],
    ['GetJobStatusLambdaFunction'],
    ['RecordClosedExecutionLambdaFunction'],
  ])('gives %s the job slots table and both job types\' slot counts', (functionId) => {
    expect(resource(functionId).Properties?.Environment.Variables).toMatchObject({
      JOB_SLOTS_TABLE_NAME: { Ref: 'JobSlotsTable' },
      MAX_CONCURRENT_JOBS: '5',
      MAX_CONCURRENT_SEGMENT_JOBS: '5',
    });
  });

  it('logs and traces the state machine, and keeps every log group for the configured retention', () => {
    const stateMachine = resource('BatchInferenceStateMachine').Properties;
    expect(stateMachine?.LoggingConfiguration).toMatchObject({
      Level: 'ERROR',
      IncludeExecutionData: true,
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': ['StateMachineLogGroup', 'Arn'] } } }],
    });
    const logGroups = Object.values(template.Resources).filter((candidate) => candidate.Type === 'AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(FUNCTIONS.length + 1);
    for (const group of logGroups) expect(group.Properties?.RetentionInDays).toBe(30);
    for (const name of FUNCTIONS) expect(resource(`${name}LambdaFunction`).Properties?.TracingConfig).toEqual({ Mode: 'Active' });
  });

  it.each([
    ['ExecutionsFailedAlarm', 'AWS/States', 'ExecutionsFailed'],
    ['ExecutionsTimedOutAlarm', 'AWS/States', 'ExecutionsTimedOut'],
    ['ExecutionsAbortedAlarm', 'AWS/States', 'ExecutionsAborted'],
    ['TriggerErrorsAlarm', 'AWS/Lambda', 'Errors'],
    ['TriggerFailureQueueAlarm', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible'],
  ])('alarms on %s and notifies the alarm topic when an email is given', (logicalId, namespace, metric) => {
    const alarm = resource(logicalId);
    expect(alarm.Properties).toMatchObject({ Namespace: namespace, MetricName: metric, Threshold: 1, TreatMissingData: 'notBreaching' });
    expect(alarm.Properties?.AlarmActions).toEqual({ 'Fn::If': ['HasAlarmEmail', [{ Ref: 'AlarmTopic' }], { Ref: 'AWS::NoValue' }] });
    if (namespace === 'AWS/States') {
      expect(alarm.Properties?.Dimensions).toEqual([{ Name: 'StateMachineArn', Value: { Ref: 'BatchInferenceStateMachine' } }]);
    }
  });

  /** The dashboard body with its `Fn::Sub` values put in, as CloudFormation would, parsed. */
  function dashboardBody(): { widgets: Array<{ type: string; properties: Record<string, unknown> }> } {
    const [body, values] = resource('RunsDashboard').Properties?.DashboardBody['Fn::Sub'] as [string, Record<string, unknown>];
    const substituted = body.replace(/\$\{([^}]+)\}/g, (_match, name: string) => {
      const value = values[name];
      if (typeof value === 'string') return value;
      if (name === 'AWS::Region') return 'us-east-1';
      if (name === 'Threshold') return '0.05';
      // An intrinsic (Ref, GetAtt) resolves at deploy time; its name stands in for it.
      return `<${name}>`;
    });
    return JSON.parse(substituted) as ReturnType<typeof dashboardBody>;
  }

  it('has a dashboard whose body is valid JSON once substituted, with every run metric and the state machine\'s own', () => {
    // Act
    const body = dashboardBody();
    const values = resource('RunsDashboard').Properties?.DashboardBody['Fn::Sub'][1] as Record<string, unknown>;
    const text = JSON.stringify(body);

    // Assess
    expect(values).toMatchObject({ Namespace: 'PersonalizeBatch/test', StateMachine: { Ref: 'BatchInferenceStateMachine' }, Threshold: { Ref: 'ErrorRecordRateThreshold' } });
    for (const metric of ['RunsStarted', 'RunsSucceeded', 'RunsFailed', 'RunsTimedOut', 'RunsAborted', 'QueuedForCapacity', 'JobDuration', 'PollsPerRun', 'Records', 'ErrorRecords']) {
      expect(text).toContain(`MetricName=\\"${metric}\\"`);
    }
    const stateMachineMetrics = body.widgets
      .flatMap((widget) => (widget.properties.metrics as unknown[][] | undefined) ?? [])
      .filter((row) => row[0] === 'AWS/States');
    expect(stateMachineMetrics.map((row) => row[1])).toEqual(
      expect.arrayContaining(['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted', 'ExecutionTime']),
    );
    for (const row of stateMachineMetrics) expect(row.slice(2, 4)).toEqual(['StateMachineArn', '<StateMachine>']);
    expect(text).toContain('{PersonalizeBatch/test,service,JobType}');
    expect(text).toContain('{PersonalizeBatch/test,service,JobType,JobGroup}');
  });

  it('alarms when more than the threshold share of output records carry an error, and shows the alarm on the dashboard', () => {
    // Act
    const alarm = resource('ErrorRecordRateAlarm').Properties as Record<string, unknown> & { Metrics: Array<Record<string, unknown>> };

    // Assess
    const byId = Object.fromEntries(alarm.Metrics.map((metric) => [String(metric.Id), metric]));
    expect(byId.rate).toMatchObject({
      Expression: '(FILL(inferenceErrors, 0) + FILL(segmentErrors, 0)) / (FILL(inferenceRecords, 0) + FILL(segmentRecords, 0))',
      ReturnData: true,
    });
    for (const [id, name, jobType] of [
      ['inferenceErrors', 'ErrorRecords', 'BATCH_INFERENCE'],
      ['inferenceRecords', 'Records', 'BATCH_INFERENCE'],
      ['segmentErrors', 'ErrorRecords', 'BATCH_SEGMENT'],
      ['segmentRecords', 'Records', 'BATCH_SEGMENT'],
    ] as const) {
      expect(byId[id]).toMatchObject({
        ReturnData: false,
        MetricStat: {
          Metric: { Namespace: 'PersonalizeBatch/test', MetricName: name, Dimensions: [{ Name: 'service', Value: 'personalize-batch-orchestrator' }, { Name: 'JobType', Value: jobType }] },
          Period: 3600,
          Stat: 'Sum',
        },
      });
    }
    expect(alarm).toMatchObject({ Threshold: { Ref: 'ErrorRecordRateThreshold' }, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    expect(alarm.AlarmActions).toEqual({ 'Fn::If': ['HasAlarmEmail', [{ Ref: 'AlarmTopic' }], { Ref: 'AWS::NoValue' }] });
    expect(template.Parameters?.ErrorRecordRateThreshold).toMatchObject({ Type: 'Number', Default: 0.05, MinValue: 0, MaxValue: 1 });
    expect(resource('RunsDashboard').Properties?.DashboardBody['Fn::Sub'][1]).toMatchObject({ ErrorRecordAlarmArn: { 'Fn::GetAtt': ['ErrorRecordRateAlarm', 'Arn'] } });
  });

  it('gives the functions that emit run metrics the stage\'s namespace and known job groups', () => {
    for (const name of ['Trigger', 'RecordRun', 'RecordClosedExecution']) {
      expect(variablesOf(name)).toMatchObject({ METRICS_NAMESPACE: 'PersonalizeBatch/test', METRICS_JOB_GROUPS: '' });
    }
  });

  it('creates the alarm topic and email subscription only when an email is given', () => {
    expect(resource('AlarmTopic').Condition).toBe('HasAlarmEmail');
    expect(resource('AlarmEmailSubscription')).toMatchObject({ Condition: 'HasAlarmEmail', Properties: { Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } } });
  });

  it('documents every stage parameter as a CloudFormation parameter with its default', () => {
    expect(template.Parameters).toMatchObject({
      DefaultSolutionVersionArn: { Default: '' },
      PersonalizeRoleArn: { Default: '' },
      ExistingBucketName: { Default: '' },
      BucketKmsKeyArn: { Default: '' },
      OutputRetentionDays: { Default: 90 },
      AlarmEmail: { Default: '' },
      RunNotificationTopicArn: { Default: '' },
    });
  });

  it('lets recordClosedExecution put events only on this account\'s default bus, and publish to the SNS topic only when one is given', () => {
    const statements = allowStatements(template, 'RecordClosedExecutionRole');
    const putEvents = statements.find((statement) => actionsOf(statement).includes('events:PutEvents'));
    expect(actionsOf(putEvents ?? {})).toEqual(['events:PutEvents']);
    expect(resourcesOf(putEvents ?? {})).toEqual(['arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default']);
    const raw = resource('RecordClosedExecutionRole').Properties?.Policies[0].PolicyDocument.Statement as Array<Record<string, unknown>>;
    expect(raw).toContainEqual({
      'Fn::If': ['HasRunNotificationTopic', { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: 'RunNotificationTopicArn' } }, { Ref: 'AWS::NoValue' }],
    });
    expect(template.Conditions?.HasRunNotificationTopic).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'RunNotificationTopicArn' }, ''] }] });
    expect(resource('RecordClosedExecutionLambdaFunction').Properties?.Environment.Variables.RUN_NOTIFICATION_TOPIC_ARN).toEqual({ Ref: 'RunNotificationTopicArn' });
  });

  it('lets the start function read only job group configuration and inputs, and write only staged copies', () => {
    const s3 = allowStatements(template, 'StartJobRole').filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));
    const byAction = Object.fromEntries(s3.map((statement) => [actionsOf(statement).join(','), JSON.stringify(statement.Resource)]));
    expect(byAction['s3:GetObject,s3:GetObjectVersion']).toContain('/config/*');
    expect(byAction['s3:GetObject,s3:GetObjectVersion']).toContain('/input/*');
    expect(byAction['s3:GetObject,s3:GetObjectVersion']).toContain('/scheduled/*');
    // A queued run reads back the start it resolved, kept beside its staging folder.
    expect(byAction['s3:GetObject,s3:GetObjectVersion']).toContain('/staging/*');
    expect(byAction['s3:GetObject,s3:GetObjectVersion']).not.toContain('/output/');
    expect(byAction['s3:PutObject']).toContain('/staging/*');
    expect(byAction['s3:PutObject']).not.toContain('/output/');
  });

  it('uses the bucket\'s KMS key in the start function only when the bucket has one', () => {
    const statements = resource('StartJobRole').Properties?.Policies[0].PolicyDocument.Statement as Array<Record<string, unknown>>;
    expect(statements).toContainEqual({
      'Fn::If': ['UseBucketKmsKey', { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { Ref: 'BucketKmsKeyArn' } }, { Ref: 'AWS::NoValue' }],
    });
  });

  it('expires staged input copies', () => {
    const rules = resource('DataBucket').Properties?.LifecycleConfiguration.Rules;
    expect(rules).toContainEqual(expect.objectContaining({ Id: 'expire-staged-inputs', Prefix: 'staging/', ExpirationInDays: 14, Status: 'Enabled' }));
  });

  it.each(SCHEDULES)('deploys schedule "$name" from schedules.json as an EventBridge Scheduler schedule targeting the trigger', (schedule) => {
    const deployed = Object.values(template.Resources).find(
      (candidate) => candidate.Type === 'AWS::Scheduler::Schedule' && candidate.Properties?.Name === `personalize-batch-orchestrator-test-${schedule.name}`,
    );
    expect(deployed?.Properties).toMatchObject({
      ScheduleExpression: schedule.expression,
      ScheduleExpressionTimezone: schedule.timezone ?? 'UTC',
      State: schedule.enabled === false ? 'DISABLED' : 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] },
        RoleArn: { 'Fn::GetAtt': ['SchedulerRole', 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['TriggerFailureQueue', 'Arn'] } },
      },
    });
    const payload = JSON.parse(deployed?.Properties?.Target.Input);
    expect(payload).toEqual({
      schedule: {
        name: schedule.name,
        scheduledTime: '<aws.scheduler.scheduled-time>',
        ...(schedule.jobGroup && { jobGroup: schedule.jobGroup }),
        ...(schedule.inputKey ? { inputKey: schedule.inputKey } : { inputPath: schedule.inputPath }),
      },
    });
    // What the trigger will accept once Scheduler fills in the time.
    expect(ScheduleInvocationSchema.safeParse(JSON.parse(deployed?.Properties?.Target.Input.replace('<aws.scheduler.scheduled-time>', '2026-11-28T03:00:00Z'))).success).toBe(true);
  });

  it('lets only this account\'s Scheduler invoke the trigger', () => {
    expect(resource('SchedulerRole').Properties?.AssumeRolePolicyDocument.Statement[0]).toMatchObject({
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    const invoke = allowStatements(template, 'SchedulerRole').find((statement) => actionsOf(statement).includes('lambda:InvokeFunction'));
    expect(invoke?.Resource).toEqual({ 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] });
  });

  it('sends every closed execution (SUCCEEDED, FAILED, TIMED_OUT, ABORTED) to recordClosedExecution, with a failure queue', () => {
    const rule = Object.values(template.Resources).find(
      (candidate) => candidate.Type === 'AWS::Events::Rule' && JSON.stringify(candidate.Properties?.Targets).includes('RecordClosedExecutionLambdaFunction'),
    );
    expect(rule?.Properties?.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: 'BatchInferenceStateMachine' }] },
    });
    expect(resource('RecordClosedExecutionLambdaEvConf').Properties).toMatchObject({
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['TriggerFailureQueue', 'Arn'] } } },
    });
  });
});

type Statement = { Effect?: string; Action?: string | string[]; Resource?: unknown; Condition?: unknown };

function allRoleStatements(template: CloudFormationTemplate): Array<{ roleId: string; statement: Statement }> {
  return Object.entries(template.Resources).flatMap(([roleId, candidate]) => {
    if (candidate.Type === 'AWS::IAM::Role') {
      return (candidate.Properties?.Policies ?? []).flatMap((policy: { PolicyDocument: { Statement: Statement[] } }) =>
        policy.PolicyDocument.Statement.map((statement) => ({ roleId, statement: whenConditionHolds(statement) })),
      );
    }
    if (candidate.Type === 'AWS::IAM::Policy') {
      return (candidate.Properties?.PolicyDocument.Statement as Statement[]).map((statement) => ({ roleId, statement }));
    }
    return [];
  });
}

/** A statement included by `Fn::If`, as it reads when its condition holds (the strictest reading). */
function whenConditionHolds(statement: Statement): Statement {
  const conditional = (statement as Record<string, unknown>)['Fn::If'];
  return Array.isArray(conditional) ? (conditional[1] as Statement) : statement;
}

function allowStatements(template: CloudFormationTemplate, roleId: string): Statement[] {
  return allRoleStatements(template)
    .filter((entry) => entry.roleId === roleId && entry.statement.Effect === 'Allow')
    .map((entry) => entry.statement);
}

function actionsOf(statement: Statement): string[] {
  return [statement.Action ?? []].flat();
}

/** The template bodies of `Fn::Sub` resources in the `[body, variables]` form. */
function subBodies(resource: unknown): unknown[] {
  return [resource ?? []].flat().map((entry) => {
    const sub = (entry as Record<string, unknown>)['Fn::Sub'];
    return Array.isArray(sub) ? sub[0] : sub;
  });
}

/** Resources as comparable strings: `Fn::Sub` bodies as written, other intrinsics as JSON. */
function resourcesOf(statement: Statement): string[] {
  return [statement.Resource ?? []].flat().map((resource) => {
    if (typeof resource === 'string') return resource;
    const sub = (resource as Record<string, unknown>)['Fn::Sub'];
    if (typeof sub === 'string') return sub;
    return JSON.stringify(resource);
  });
}