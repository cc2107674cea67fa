/**
 * CLI mistakes and what each must produce: one line on stderr naming what is wrong, and the
 * documented exit code (2 command line, 3 nothing to talk to, 4 no such run). `{dir}` is a fresh
 * folder holding `file.txt`; no local environment runs there.
 */
export interface MistakeCase {
  name: string;
  argv: string[];
  exitCode: number;
  message: string;
}

const NAME_81 = 'a'.repeat(81);

export const MISTAKE_CASES: MistakeCase[] = [
  { name: 'unknown command', argv: ['frobnicate'], exitCode: 2, message: "unknown command 'frobnicate'" },
  { name: 'unknown flag', argv: ['runs', 'list', '--colour'], exitCode: 2, message: "unknown option '--colour'" },
  { name: 'missing argument', argv: ['runs', 'show'], exitCode: 2, message: "missing required argument 'runId'" },
  { name: 'missing required flag', argv: ['start'], exitCode: 2, message: "required option '--input <s3://bucket/key>' not specified" },
  { name: 'missing input file', argv: ['run', '{dir}/missing.jsonl'], exitCode: 2, message: 'input file {dir}/missing.jsonl: no such file' },
  { name: 'input file is a folder', argv: ['run', '{dir}'], exitCode: 2, message: 'input file {dir} is a folder; give a file' },
  { name: '--out-dir names a file', argv: ['run', '{dir}/file.txt', '--out-dir', '{dir}/file.txt'], exitCode: 2, message: '--out-dir {dir}/file.txt is a file; give a folder' },
  { name: 'config file is a folder', argv: ['start', '--input', 's3://b/k', '--config', '{dir}'], exitCode: 2, message: 'Cannot read config file {dir}: is a folder; give a file' },
  { name: 'config file is not JSON', argv: ['start', '--input', 's3://b/k', '--config', '{dir}/file.txt'], exitCode: 2, message: 'Config file {dir}/file.txt is not JSON' },
  { name: '81-character --name', argv: ['start', '--input', 's3://b/k', '--name', NAME_81], exitCode: 2, message: 'Name must be 1 to 80 characters long, got 81' },
  { name: 'bad characters in --name', argv: ['start', '--input', 's3://b/k', '--name', 'my run'], exitCode: 2, message: "is invalid. Name must not contain" },
  { name: 'bad --port', argv: ['local', 'up', '--port', '70000'], exitCode: 2, message: 'must be 0 (free ports) or a port number from 1 to 65528, got 70000' },
  { name: 'bad --group', argv: ['run', '{dir}/file.txt', '--group', 'my.group'], exitCode: 2, message: 'a job group is 1-63 letters, digits, "_" or "-", starting with a letter or digit' },
  { name: 'unknown --status', argv: ['runs', 'list', '--status', 'BOGUS'], exitCode: 2, message: "argument 'BOGUS' is invalid. Allowed choices are SUCCEEDED" },
  { name: 'bad --limit', argv: ['runs', 'list', '--limit', '0'], exitCode: 2, message: 'must be a whole number from 1, got 0' },
  { name: '--region without --stage', argv: ['runs', 'list', '--region', 'eu-west-1'], exitCode: 2, message: '--region applies to a deployed stack: use it with --stage' },
  { name: 'no local environment', argv: ['runs', 'list'], exitCode: 3, message: 'no local environment is running: start one with `personalize-batch local up`' },
  { name: 'unknown schedule file', argv: ['local', 'fire-schedule', 'nightly', '--schedules', '{dir}/none.json'], exitCode: 2, message: 'schedules file {dir}/none.json: no such file' },
];
