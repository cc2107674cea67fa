'use strict';
// Turns schedules.json into EventBridge Scheduler schedules that invoke the trigger function.
// The trigger, not the state machine, is the target: it derives the execution name from the
// schedule name and Scheduler's <aws.scheduler.scheduled-time>, which Scheduler keeps on retries,
// so a retried tick finds its execution already started instead of starting a second run.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;

function loadSchedules() {
  const file = join(__dirname, '..', 'schedules.json');
  const { schedules = [] } = JSON.parse(readFileSync(file, 'utf8'));
  const seen = new Set();
  for (const schedule of schedules) {
    const problems = [];
    if (!NAME.test(schedule.name ?? '')) problems.push('name must be 1-64 letters, digits, "-", "_" or "."');
    if (seen.has(schedule.name)) problems.push('name is used twice');
    if (!/^(cron|rate|at)\(.+\)$/.test(schedule.expression ?? '')) problems.push('expression must be cron(...), rate(...) or at(...)');
    if (Boolean(schedule.inputKey) === Boolean(schedule.inputPath)) problems.push('needs exactly one of inputKey and inputPath');
    if (problems.length > 0) throw new Error(`schedules.json: schedule "${schedule.name}": ${problems.join('; ')}`);
    seen.add(schedule.name);
  }
  return schedules;
}

function logicalId(name) {
  return `Schedule${name.replace(/(^|[-_.])([a-z0-9])/gi, (_match, _separator, letter) => letter.toUpperCase())}`;
}

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const schedules = loadSchedules();
  if (schedules.length === 0) return { Resources: {} };

  const resources = {
    SchedulerRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: 'Assumed by EventBridge Scheduler to invoke the trigger function',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'invoke-trigger',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] } },
                { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['TriggerFailureQueue', 'Arn'] } },
              ],
            },
          },
        ],
      },
    },
  };
  for (const schedule of schedules) {
    const payload = {
      schedule: {
        name: schedule.name,
        scheduledTime: '<aws.scheduler.scheduled-time>',
        ...(schedule.jobGroup && { jobGroup: schedule.jobGroup }),
        ...(schedule.inputKey ? { inputKey: schedule.inputKey } : { inputPath: schedule.inputPath }),
      },
    };
    resources[logicalId(schedule.name)] = {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: `${service}-${stage}-${schedule.name}`.slice(0, 64),
        ...(schedule.description && { Description: schedule.description.slice(0, 512) }),
        ScheduleExpression: schedule.expression,
        ScheduleExpressionTimezone: schedule.timezone ?? 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: schedule.enabled === false ? 'DISABLED' : 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] },
          RoleArn: { 'Fn::GetAtt': ['SchedulerRole', 'Arn'] },
          Input: JSON.stringify(payload),
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['TriggerFailureQueue', 'Arn'] } },
        },
      },
    };
  }
  return { Resources: resources };
};

module.exports.loadSchedules = loadSchedules;
