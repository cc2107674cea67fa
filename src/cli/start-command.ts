import { createHash } from 'node:crypto';
import { SFNClient } from '@aws-sdk/client-sfn';
import { StepFunctionsExecutions } from '../adapters/executions';
import { InvalidRunInputError, type InputIssue } from '../domain/errors';
import { JobGroupConfigSchema } from '../domain/job-group-config';
import { parseRunInput, RunInputSchema } from '../domain/run-input';
import { LOCAL_CREDENTIALS } from '../local/local-aws';
import { describeDeployedStack, regionOfArn } from './deployed-stack';
import type { ConfigFile } from './local-config';
import { LOCAL_STATE_FILE, NoLocalEnvironmentError, readLocalState } from './local-state';
import { followExecution } from './runs/follow';
import { resolveOperatorTarget } from './runs/target';

export interface StartCommandOptions {
  /** `--input`: the run's `inputPath`. */
  inputPath: string;
  /** `--config`: job settings (its `local` section is for the stand-ins and plays no part here). */
  config: ConfigFile;
  /** The config file's path, to name it in issues about it. */
  configFile?: string | undefined;
  jobGroup?: string | undefined;
  /** `--name`; by default `manual-<UTC time>-<hash of the input>`. */
  executionName?: string | undefined;
  /** `--stage`: start on the deployed stack of that stage instead of the local environment. */
  stage?: string | undefined;
  region?: string | undefined;
  wait: boolean;
  print: (line: string) => void;
  /** Where `.personalize-batch/local.json` is looked for; the current directory by default. */
  cwd?: string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

/** Where an execution is started: a state machine, and the client that reaches it (closed after). */
interface StartTarget {
  sfn: SFNClient;
  executions: StepFunctionsExecutions;
  description: string;
  /** The local stand-in's address, when the target is the local environment. */
  localEndpoint?: string;
}

/** RunInput members that describe one run, so they cannot come from a shared job settings file. */
const PER_RUN_MEMBERS = Object.keys(RunInputSchema.shape).filter((member) => !(member in JobGroupConfigSchema.shape));

/**
 * `personalize-batch start --input <s3://…>`: starts one run by hand, as a console user would.
 *
 * Primary course: build the execution input from the config file's job settings, `--input` and
 * `--group`; validate it as the start step will; start it on the local environment (or, with
 * `--stage`, on the deployed stack); print its ARN and, with `--wait`, follow it to its end.
 * Alternate courses: an invalid input starts nothing and exits 2 naming every wrong field; a name
 * Step Functions has seen before exits 1, since execution names are never reused.
 * Returns the exit code: 0 started (or succeeded, with `--wait`), 1 not started or not successful, 2 invalid input.
 */
export async function startCommand(options: StartCommandOptions): Promise<number> {
  const { print } = options;
  const input = buildExecutionInput(options.config.jobSettings, options.inputPath, options.jobGroup);
  const issues = findInputIssues(input, options.config.jobSettings, options.configFile);
  if (issues.length > 0) {
    print('✘ The execution input is invalid; nothing was started:');
    for (const issue of issues) print(`  ${issue.field ? `${issue.field}: ` : ''}${issue.message}`);
    return 2;
  }
  const name = options.executionName ?? defaultExecutionName(JSON.stringify(input), (options.now ?? (() => new Date()))());
  const target = await resolveTarget(options);
  try {
    print(`Starting execution ${name} on ${target.description}`);
    const started = await startExecution(target, name, input, print);
    if (typeof started === 'number') return started;
    print(`Started execution ${started}`);
    if (!options.wait) return 0;
    // The same live progress as `runs watch`: each state, the job, each poll, the time left.
    const operator = await resolveOperatorTarget({ stage: options.stage, region: options.region, cwd: options.cwd ?? process.cwd() });
    try {
      return await followExecution(operator, { executionArn: started, jobGroup: options.jobGroup, json: false, ...(options.sleep && { sleep: options.sleep }) }, print);
    } finally {
      operator.close();
    }
  } finally {
    target.sfn.destroy();
  }
}

/** The execution input: the config file's job settings, then the run's own members, which win. */
function buildExecutionInput(jobSettings: Record<string, unknown>, inputPath: string, jobGroup: string | undefined): Record<string, unknown> {
  return { ...jobSettings, inputPath, ...(jobGroup !== undefined && { jobGroup }) };
}

/**
 * Every problem the start step would find in the input, plus per-run members in the config file:
 * a config file holds job settings, the same file `run --config` takes, so `jobName` or `inputPath`
 * there would be silently overridden or reused across starts.
 */
function findInputIssues(input: Record<string, unknown>, jobSettings: Record<string, unknown>, configFile = 'config file'): InputIssue[] {
  const misplaced = Object.keys(jobSettings)
    .filter((member) => PER_RUN_MEMBERS.includes(member))
    .map((member) => ({ field: `${configFile}: ${member}`, message: 'belongs to a single run, not to a job settings file (use --input, --group)' }));
  try {
    parseRunInput(input);
    return misplaced;
  } catch (error) {
    if (error instanceof InvalidRunInputError) return [...misplaced, ...error.issues];
    throw error;
  }
}

/**
 * `manual-<yyyymmddThhmmssZ>-<8 hex>`: sorts by time in the console, and the input's hash keeps two
 * different starts in the same second apart. 7 + 16 + 1 + 8 = 32 characters, all of them safe.
 */
export function defaultExecutionName(inputJson: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const hash = createHash('sha256').update(inputJson).digest('hex').slice(0, 8);
  return `manual-${stamp}-${hash}`;
}

async function resolveTarget(options: StartCommandOptions): Promise<StartTarget> {
  if (options.stage === undefined) {
    const state = await readLocalState(options.cwd ?? process.cwd());
    // Loopback stand-ins never throttle; one attempt makes a stale state file fail at once.
    const sfn = new SFNClient({ endpoint: state.endpoints.stepFunctions, region: state.region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    return {
      sfn,
      executions: new StepFunctionsExecutions(state.stateMachineArn, { client: sfn }),
      description: `the local environment (${state.endpoints.stepFunctions})`,
      localEndpoint: state.endpoints.stepFunctions,
    };
  }
  const stack = await describeDeployedStack(options.stage, { region: options.region });
  // The state machine's own region, so the execution goes where the stack is, whatever the profile says.
  const sfn = new SFNClient({ region: regionOfArn(stack.stateMachineArn) ?? stack.region });
  return {
    sfn,
    executions: new StepFunctionsExecutions(stack.stateMachineArn, { client: sfn }),
    description: `stack ${stack.stackName} (${stack.region})`,
  };
}

/** Returns the execution ARN, or the exit code when Step Functions refused the start. */
async function startExecution(target: StartTarget, name: string, input: unknown, print: (line: string) => void): Promise<string | number> {
  try {
    const result = await target.executions.start({ name, input });
    if (result.started) return result.executionArn;
    print(`✘ The execution name ${name} was already used on this state machine; Step Functions never reuses a name. Pass another --name.`);
    return 1;
  } catch (error) {
    // The trigger's names are always valid, so only a hand-typed --name meets this.
    if (error instanceof Error && error.name === 'InvalidName') {
      print(`✘ ${name} is not a valid execution name: 1-80 characters, no spaces, brackets, wildcards or control characters.`);
      return 2;
    }
    throw asConnectionProblem(error, target);
  }
}

/** A refused connection means the state file outlived its `local up`: say so instead of ECONNREFUSED. */
function asConnectionProblem(error: unknown, target: StartTarget): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ECONNREFUSED' || target.localEndpoint === undefined) return error;
  return new NoLocalEnvironmentError(`nothing answers at ${target.localEndpoint}; ${LOCAL_STATE_FILE} was left by one that stopped`);
}

