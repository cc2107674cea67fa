'use strict';
// Turns schedules.json into EventBridge Scheduler schedules that invoke the trigger function.
// The trigger, not the state machine, is the target: it derives the execution name from the
// schedule name and Scheduler's <aws.scheduler.scheduled-time>, which Scheduler keeps on retries,
// so a retried tick finds its execution already started instead of starting a second run.
const { createHash } = require('node:crypto');
const { join } = require('node:path');
const { loadSchedules, logicalId, schedulerInput } = require('./schedules-file');

/** Scheduler names are at most 64 characters; a shortened one keeps a hash so two never clash. */
function scheduleName(prefix, name) {
  const full = `${prefix}-${name}`;
  if (full.length <= 64) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, 64 - hash.length - 1)}-${hash}`;
}

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  return buildResources(loadSchedules(join(__dirname, '..', 'schedules.json')), `${service}-${stage}`);
};

/** The CloudFormation resources for the schedules, named `<prefix>-<schedule name>`. */
function buildResources(schedules, prefix) {
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
    resources[logicalId(schedule.name)] = {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: scheduleName(prefix, schedule.name),
        ...(schedule.description && { Description: schedule.description.slice(0, 512) }),
        ScheduleExpression: schedule.expression,
        ScheduleExpressionTimezone: schedule.timezone ?? 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: schedule.enabled === false ? 'DISABLED' : 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] },
          RoleArn: { 'Fn::GetAtt': ['SchedulerRole', 'Arn'] },
          Input: schedulerInput(schedule),
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['TriggerFailureQueue', 'Arn'] } },
        },
      },
    };
  }
  return { Resources: resources };
}

module.exports.buildResources = buildResources;
