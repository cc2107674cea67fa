'use strict';
// The one reader and checker of schedules.json, for the deployment (resources/schedules.js), the
// CLI's `local fire-schedule` and the tests. Plain CommonJS because the Serverless Framework loads
// resources/schedules.js with require at package time; the TypeScript side imports it through
// schedules-file.d.ts.
const { readFileSync } = require('node:fs');

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const EXPRESSION = /^(cron|rate|at)\(.+\)$/;
const TEXT_MEMBERS = ['description', 'timezone', 'jobGroup', 'inputKey', 'inputPath'];

/** The context attribute Scheduler replaces in a target's Input with the tick's time. */
const SCHEDULED_TIME_PLACEHOLDER = '<aws.scheduler.scheduled-time>';

/** Reads and checks a schedules file; throws an Error naming the file and every problem of the first bad schedule. */
function loadSchedules(path) {
  let raw;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error && error.code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot read schedules file ${path}: ${reason}`);
  }
  return checkSchedules(raw, path);
}

/** Checks a parsed schedules file (`path` names it in errors) and returns its schedules. */
function checkSchedules(raw, path) {
  if (!isObject(raw)) throw invalid(path, '(root): must be an object');
  const schedules = raw.schedules === undefined ? [] : raw.schedules;
  if (!Array.isArray(schedules)) throw invalid(path, 'schedules: must be an array');
  // Names that differ only in separators or case would share a CloudFormation logical id, and
  // the later one would silently replace the earlier.
  const seen = new Map();
  schedules.forEach((schedule, index) => {
    if (!isObject(schedule)) throw invalid(path, `schedules.${index}: must be an object`);
    const problems = [];
    if (typeof schedule.name !== 'string' || !NAME.test(schedule.name)) {
      problems.push('name must be 1-64 letters, digits, "-", "_" or "."');
    } else {
      const id = logicalId(schedule.name);
      const earlier = seen.get(id);
      if (earlier === schedule.name) problems.push('name is used twice');
      else if (earlier !== undefined) problems.push(`name is too like "${earlier}" (both become ${id})`);
      else seen.set(id, schedule.name);
    }
    if (typeof schedule.expression !== 'string' || !EXPRESSION.test(schedule.expression)) problems.push('expression must be cron(...), rate(...) or at(...)');
    for (const member of TEXT_MEMBERS) {
      if (schedule[member] !== undefined && typeof schedule[member] !== 'string') problems.push(`${member} must be a string`);
    }
    if (Boolean(schedule.inputKey) === Boolean(schedule.inputPath)) problems.push('needs exactly one of inputKey and inputPath');
    if (problems.length > 0) throw invalid(path, `schedule "${schedule.name}": ${problems.join('; ')}`);
  });
  return schedules;
}

/** The CloudFormation logical id of a schedule: `Schedule` + its name in PascalCase. */
function logicalId(name) {
  const pascal = name.replace(/[-_.]+([a-z0-9])?/gi, (_match, letter = '') => letter.toUpperCase());
  return `Schedule${pascal.charAt(0).toUpperCase()}${pascal.slice(1)}`;
}

/** The Input Scheduler sends the trigger for a schedule, before it fills in the tick's time. */
function schedulerInput(schedule) {
  return JSON.stringify({
    schedule: {
      name: schedule.name,
      scheduledTime: SCHEDULED_TIME_PLACEHOLDER,
      ...(schedule.jobGroup && { jobGroup: schedule.jobGroup }),
      ...(schedule.inputKey ? { inputKey: schedule.inputKey } : { inputPath: schedule.inputPath }),
    },
  });
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(path, problem) {
  return new Error(`Invalid schedules file ${path}: ${problem}`);
}

module.exports = { SCHEDULED_TIME_PLACEHOLDER, loadSchedules, checkSchedules, logicalId, schedulerInput };
