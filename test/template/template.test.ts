import { readdir, rm } from 'node:fs/promises';
import definitionFile from '../../statemachine/batch-inference.asl.json';
import { packageService, type CloudFormationTemplate } from '../support/package-service';

const FUNCTIONS = ['Trigger', 'StartJob', 'GetJobStatus', 'RecordResult'];

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
    expect(files).toEqual(expect.arrayContaining(['trigger.zip', 'startJob.zip', 'getJobStatus.zip', 'recordResult.zip']));
  });

  it.each(FUNCTIONS)('defines the %s function on nodejs22.x arm64 with its own role', (name) => {
    const fn = resource(`${name}LambdaFunction`);
    expect(fn.Type).toBe('AWS::Lambda::Function');
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    expect(fn.Properties?.Role).toEqual({ 'Fn::GetAtt': [`${name}IamRoleLambdaExecution`, 'Arn'] });
  });

  it('loads the state machine from the ASL file with the stage function names resolved', () => {
    const stateMachine = resource('BatchInferenceStateMachine');
    expect(stateMachine.Type).toBe('AWS::StepFunctions::StateMachine');
    const definition = JSON.parse(stateMachine.Properties?.DefinitionString as string);
    expect(Object.keys(definition.States)).toEqual(Object.keys(definitionFile.States));
    expect(definition.States['Start batch inference job'].Parameters.FunctionName).toBe('personalize-batch-orchestrator-test-startJob');
    expect(definition.States['Get job status'].Parameters.FunctionName).toBe('personalize-batch-orchestrator-test-getJobStatus');
    expect(stateMachine.Properties?.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('lets the state machine invoke exactly the three workflow functions', () => {
    const policy = JSON.stringify(resource('BatchInferenceStateMachineRole').Properties?.Policies);
    for (const name of ['startJob', 'getJobStatus', 'recordResult']) expect(policy).toContain(`personalize-batch-orchestrator-test-${name}`);
    expect(policy).not.toContain('personalize-batch-orchestrator-test-trigger');
  });

  it('notifies the trigger of uploads under the input prefix only', () => {
    const bucket = resource('DataBucket');
    expect(bucket.Properties?.NotificationConfiguration.LambdaConfigurations).toEqual([
      {
        Event: 's3:ObjectCreated:*',
        Function: { 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] },
        Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'input/' }] } },
      },
    ]);
    expect(resource('TriggerS3InvokePermission').Properties).toMatchObject({
      Principal: 's3.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('defines the runs table keyed by runId, on demand', () => {
    const table = resource('RunsTable');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'runId', KeyType: 'HASH' }],
    });
  });

  it('passes the stage parameters to the start function', () => {
    const environment = resource('StartJobLambdaFunction').Properties?.Environment.Variables;
    expect(environment).toHaveProperty('DEFAULT_SOLUTION_VERSION_ARN');
    expect(environment.PERSONALIZE_ROLE_ARN).toEqual({
      'Fn::If': ['CreatePersonalizeRole', { 'Fn::GetAtt': ['PersonalizeServiceRole', 'Arn'] }, { Ref: 'PersonalizeRoleArn' }],
    });
    expect(resource('TriggerLambdaFunction').Properties?.Environment.Variables.STATE_MACHINE_ARN).toEqual({ Ref: 'BatchInferenceStateMachine' });
    expect(resource('RecordResultLambdaFunction').Properties?.Environment.Variables.RUNS_TABLE_NAME).toEqual({ Ref: 'RunsTable' });
  });

  it('scopes iam:PassRole to the Personalize role and service', () => {
    const statements = resource('StartJobIamRoleLambdaExecution').Properties?.Policies.flatMap(
      (policy: { PolicyDocument: { Statement: Array<Record<string, unknown>> } }) => policy.PolicyDocument.Statement,
    );
    const passRole = statements.find((statement: { Action: unknown }) => JSON.stringify(statement.Action).includes('iam:PassRole'));
    expect(passRole).toMatchObject({
      Resource: { 'Fn::If': ['CreatePersonalizeRole', { 'Fn::GetAtt': ['PersonalizeServiceRole', 'Arn'] }, { Ref: 'PersonalizeRoleArn' }] },
      Condition: { StringEquals: { 'iam:PassedToService': 'personalize.amazonaws.com' } },
    });
  });
});
