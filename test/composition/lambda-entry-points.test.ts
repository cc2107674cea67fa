/** Each entry point with the variables serverless.yml gives its function (values are samples). */
const ENTRY_POINTS: Array<[string, Record<string, string>]> = [
  [
    'trigger',
    {
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm',
      RUNS_TABLE_NAME: 'runs',
      DATA_BUCKET: 'data',
      INPUT_PREFIX: 'input/',
      INPUT_SUFFIXES: '.json,.jsonl',
      RUN_RECORD_RETENTION_DAYS: '365',
    },
  ],
  [
    'start-job',
    {
      DEFAULT_SOLUTION_VERSION_ARN: '',
      PERSONALIZE_ROLE_ARN: 'arn:aws:iam::123456789012:role/personalize',
      OUTPUT_BASE_URI: 's3://data/output/',
      DATA_BUCKET: 'data',
      INPUT_PREFIX: 'input/',
      CONFIG_PREFIX: 'config/',
      STAGING_PREFIX: 'staging/',
      RUNS_TABLE_NAME: 'runs',
      JOB_SLOTS_TABLE_NAME: 'job-slots',
      MAX_CONCURRENT_JOBS: '5',
      OUTPUT_PREFIX: 'output/',
    },
  ],
  ['get-job-status', { JOB_SLOTS_TABLE_NAME: 'job-slots', DATA_BUCKET: 'data', OUTPUT_PREFIX: 'output/' }],
  ['wait-for-job-output', { OUTPUT_WAITS_TABLE_NAME: 'output-waits', DATA_BUCKET: 'data', OUTPUT_PREFIX: 'output/' }],
  ['job-output-created', { OUTPUT_WAITS_TABLE_NAME: 'output-waits', DATA_BUCKET: 'data', OUTPUT_PREFIX: 'output/' }],
  ['verify-output', {}],
  ['record-run', { RUNS_TABLE_NAME: 'runs', RUN_RECORD_RETENTION_DAYS: '365' }],
  ['record-closed-execution', { RUNS_TABLE_NAME: 'runs', RUN_RECORD_RETENTION_DAYS: '365', JOB_SLOTS_TABLE_NAME: 'job-slots' }],
  ['wait-for-job-slot', { JOB_SLOTS_TABLE_NAME: 'job-slots' }],
  ['sweep-job-slots', { JOB_SLOTS_TABLE_NAME: 'job-slots' }],
];

/** Loads an entry point afresh, as a cold start does, with `env` as the function's environment. */
function coldStart(folder: string, env: Record<string, string>): unknown {
  const saved = process.env;
  process.env = { ...saved, ...env };
  try {
    let module: { handler?: unknown } = {};
    jest.isolateModules(() => {
      // A fresh module registry is what a cold start is; only require() gets one per call.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      module = require(`../../functions/${folder}/handler`) as { handler?: unknown };
    });
    return module.handler;
  } finally {
    process.env = saved;
  }
}

describe('Lambda entry points', () => {
  it.each(ENTRY_POINTS)('functions/%s/handler.ts exports a handler composed from its environment', (folder, env) => {
    expect(typeof coldStart(folder, env)).toBe('function');
  });

  it.each(ENTRY_POINTS.flatMap(([folder, env]) => (env.RUNS_TABLE_NAME ? [[folder, env] as const] : [])))(
    'functions/%s/handler.ts fails its cold start with ConfigurationError when RUNS_TABLE_NAME is unset',
    (folder, env) => {
      // The isolated registry has its own copy of the error classes, so the class is matched by name.
      expect(() => coldStart(folder, { ...env, RUNS_TABLE_NAME: '' })).toThrow(
        expect.objectContaining({ name: 'ConfigurationError', message: expect.stringContaining('RUNS_TABLE_NAME is not set') }),
      );
    },
  );
});
