import { z } from 'zod';

/**
 * When a rule fires, among the calls it matches: on the listed call numbers (1-based), or each call
 * with `probability` (drawn from the plan's seeded generator), at most `maxTimes` times in all.
 * Neither `calls` nor `probability`: every matching call.
 */
const WhenShape = {
  calls: z.array(z.number().int().min(1)).min(1).optional(),
  probability: z.number().min(0).max(1).optional(),
  maxTimes: z.number().int().min(1).optional(),
};

export const FAULT_SERVICES = ['personalize', 'dynamodb', 's3'] as const;

const HttpFaultSchema = z
  .object({
    service: z.enum(FAULT_SERVICES),
    /** The API operation, as the service names it (`DescribeBatchInferenceJob`, `UpdateItem`, `GetObject`); default any. */
    operation: z.string().min(1).optional(),
    /** The error code the service answers with, e.g. `ThrottlingException`, `SlowDown`. */
    error: z.string().min(1),
    /** HTTP status; default from the error code (throttling 400, S3 `SlowDown` 503, `InternalFailure` 500, ...). */
    status: z.number().int().min(400).max(599).optional(),
    ...WhenShape,
  })
  .strict();

const JobFaultSchema = z
  .object({
    /** `stuckPending`: the job reads CREATE PENDING forever; `disappears`: Describe answers ResourceNotFoundException. */
    fault: z.enum(['stuckPending', 'disappears']),
    ...WhenShape,
  })
  .strict();

const LambdaFaultSchema = z
  .object({
    /** `trigger`: its async invocations (uploads, schedule ticks) fail, and after Lambda's retries land in the failure queue. */
    function: z.enum(['trigger', 'startJob', 'getJobStatus', 'recordRun']),
    /**
     * `error`: the invocation fails before the handler runs (`error`, default
     * `Lambda.ServiceException`); `timeout`: the handler runs, the Task gives up after `seconds`
     * (default 120, the ASL's TimeoutSeconds) with `States.Timeout`; `crashAfterSideEffect`: the
     * handler runs to completion and its response is lost (`Lambda.Unknown`).
     */
    fault: z.enum(['error', 'timeout', 'crashAfterSideEffect']),
    error: z.string().min(1).optional(),
    seconds: z.number().int().min(1).optional(),
    ...WhenShape,
  })
  .strict();

/**
 * The `local.faults` section of a `--config` file (and `LocalEnvironmentOptions.faults`):
 * deterministic failures for local mode, by seed (`probability`) or by script (`calls`).
 */
export const FaultPlanSchema = z
  .object({
    seed: z.number().int().optional(),
    http: z.array(HttpFaultSchema).optional(),
    jobs: z.array(JobFaultSchema).optional(),
    lambda: z.array(LambdaFaultSchema).optional(),
  })
  .strict();

export type FaultPlan = z.infer<typeof FaultPlanSchema>;
export type HttpFault = z.infer<typeof HttpFaultSchema>;
export type JobFault = z.infer<typeof JobFaultSchema>;
export type LambdaFault = z.infer<typeof LambdaFaultSchema>;
type When = { calls?: number[] | undefined; probability?: number | undefined; maxTimes?: number | undefined };

/**
 * Validates a fault plan; throws one error naming every problem by its path (`<where>.http.0.service: ...`).
 * @throws Error when the plan does not match {@link FaultPlanSchema}.
 */
export function parseFaultPlan(raw: unknown, where = 'faults'): FaultPlan {
  const parsed = FaultPlanSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${[where, ...issue.path].join('.')}: ${issue.message}`);
  throw new Error(`Invalid fault plan: ${problems.join('; ')}`);
}

/** A small seeded generator (mulberry32): the same seed gives the same faults for the same calls. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One rule's trigger: counts the calls it matches and decides for each whether it fires. Each rule
 * draws from a generator of its own (seed + its index), so adding a rule does not shift the others.
 */
export class FaultTrigger {
  private calls = 0;
  private fired = 0;
  private readonly random: () => number;

  constructor(
    private readonly when: When,
    seed: number,
    index: number,
  ) {
    this.random = seededRandom(seed * 7919 + index);
  }

  /** Called once per matching call; true when this call fails. */
  fires(): boolean {
    this.calls += 1;
    if (this.when.maxTimes !== undefined && this.fired >= this.when.maxTimes) return false;
    let fire = true;
    if (this.when.calls) fire = this.when.calls.includes(this.calls);
    if (fire && this.when.probability !== undefined) fire = this.random() < this.when.probability;
    if (fire) this.fired += 1;
    return fire;
  }

  /** How many times it fired so far. */
  count(): number {
    return this.fired;
  }
}

export function triggersFor<T extends When>(rules: T[] | undefined, seed: number, offset: number): Array<{ rule: T; trigger: FaultTrigger }> {
  return (rules ?? []).map((rule, index) => ({ rule, trigger: new FaultTrigger(rule, seed, offset + index) }));
}
