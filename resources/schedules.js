'use strict';
// Turns schedules.json into EventBridge Scheduler schedules that invoke the trigger function.
// The trigger, not the state machine, is the target: it derives the execution name from the
// schedule name and Scheduler's <aws.scheduler.scheduled-time>, which Scheduler keeps on retries,
// so a retried tick finds its execution already started instead of starting a second run.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;

function loadSchedules(file = join(__dirname, '..', 'schedules.json')) {
  const { schedules = [] } = JSON.parse(readFileSync(file, 'utf8'));
  const seen = new Map();
  for (const schedule of schedules) {
    const problems = [];
    if (!NAME.test(schedule.name ?? '')) problems.push('name must be 1-64 letters, digits, "-", "_" or "."');
    // Names that differ only in separators or case would share a CloudFormation logical id, and
    // the later one would silently replace the earlier.
    const id = logicalId(schedule.name ?? '');
    if (seen.has(id)) problems.push(`name is too like "${seen.get(id)}" (both become ${id})`);
    if (!/^(cron|rate|at)\(.+\)$/.test(schedule.expression ?? '')) problems.push('expression must be cron(...), rate(...) or at(...)');
    if (Boolean(schedule.inputKey) === Boolean(schedule.inputPath)) problems.push('needs exactly one of inputKey and inputPath');
    if (problems.length > 0) throw new Error(`schedules.json: schedule "${schedule.name}": ${problems.join('; ')}`);
    seen.set(id, schedule.name);
  }
  return schedules;
}

function logicalId(name) {
  const pascal = name.replace(/[-_.]+([a-z0-9])?/gi, (_match, letter = '') => letter.toUpperCase());
  return `Schedule${pascal.charAt(0).toUpperCase()}${pascal.slice(1)}`;
}

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
  return buildResources(loadSchedules(), `${service}-${stage}`);
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
        Name: scheduleName(prefix, schedule.name),
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
}

module.exports.loadSchedules = loadSchedules;
module.exports.buildResources = buildResources;
