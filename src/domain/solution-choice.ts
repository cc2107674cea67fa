import { InvalidRunInputError, type InputIssue } from './errors';

/**
 * How a run names the model it runs: a pinned `solutionVersionArn`, or a `solutionArn` whose
 * newest ACTIVE solution version the start step resolves (Personalize retrains a solution about
 * every 7 days by default, so a pinned version goes stale).
 *
 * Precedence, across the three places settings come from (stage default, job group file, run
 * input): the most specific place that names a model wins, whichever of the two members it uses.
 * A run naming `solutionVersionArn` overrides its group's `solutionArn`, and a run naming
 * `solutionArn` overrides its group's `solutionVersionArn`; a group naming either overrides the
 * stage's `defaultSolutionVersionArn`. One place naming both is refused: it would be ambiguous.
 */
export interface SolutionChoice {
  solutionArn?: string | undefined;
  solutionVersionArn?: string | undefined;
}

/**
 * A solution's ARN: `arn:<partition>:personalize:<region>:<account>:solution/<name>`. A version's
 * ARN adds `/<version id>`; naming a version here is refused with a pointer to `solutionVersionArn`.
 */
export const SOLUTION_ARN_PATTERN = /^arn:([a-z\d-]+):personalize:[^:]*:[^:]*:solution\/[^/]+$/;

/** The issue when one place names both members; `where` prefixes the field (a config file's location). */
export function solutionChoiceIssues(choice: SolutionChoice, where = ''): InputIssue[] {
  if (choice.solutionArn !== undefined && choice.solutionVersionArn !== undefined) {
    return [{ field: `${where}solutionArn`, message: 'and solutionVersionArn name the model twice: give one of them' }];
  }
  return [];
}

/**
 * The group's settings with its model choice dropped when the run names one of its own, so the
 * run's choice replaces the group's instead of adding to it (see {@link SolutionChoice}).
 */
export function withoutOverriddenChoice<T extends SolutionChoice>(group: T, run: SolutionChoice): T {
  if (run.solutionArn === undefined && run.solutionVersionArn === undefined) return group;
  const { solutionArn: _solutionArn, solutionVersionArn: _solutionVersionArn, ...rest } = group;
  return rest as T;
}

/** A solution version as ListSolutionVersions summarizes it. */
export interface SolutionVersionSummary {
  solutionVersionArn: string;
  /** `ACTIVE`, `CREATE PENDING`, `CREATE IN_PROGRESS`, `CREATE FAILED`, `CREATE STOPPING`, `CREATE STOPPED`. */
  status: string | undefined;
  /** When the version was created, i.e. when its training started on the data of that moment. */
  creationDateTime: Date | undefined;
  lastUpdatedDateTime?: Date | undefined;
}

/** The version a run resolved, as the record reports it. */
export interface ResolvedSolutionVersion {
  solutionArn: string;
  solutionVersionArn: string;
  /** ISO 8601. */
  creationDateTime: string;
}

const MS_PER_DAY = 86_400_000;

/**
 * Picks the newest ACTIVE version of a solution. ListSolutionVersions documents no order, so the
 * versions are sorted here: by `creationDateTime`, newest first (ties by ARN, so the pick is
 * deterministic). Only `ACTIVE` versions can run a batch job.
 *
 * Age (`maxSolutionVersionAgeDays`) is measured from `creationDateTime` too: it is the one time
 * the service model gives a stated meaning that never changes, and the data a version learned from
 * is the data of that moment. `lastUpdatedDateTime` is only "last updated"; the model does not say
 * it marks the end of training, so nothing relies on it. Training takes hours, so measuring from
 * creation refuses a version at most that much earlier than measuring from completion would.
 *
 * @param nowMs - epoch milliseconds
 * @param maxAgeDays - refuse a version created longer ago than this; undefined: any age
 * @throws InvalidRunInputError (field `solutionArn`) when the solution has no ACTIVE version, or
 *   its newest one is older than `maxAgeDays`; the message lists what the solution has instead.
 */
export function newestActiveVersion(
  solutionArn: string,
  versions: readonly SolutionVersionSummary[],
  nowMs: number,
  maxAgeDays?: number,
): ResolvedSolutionVersion {
  const active = versions
    .filter((version): version is SolutionVersionSummary & { creationDateTime: Date } => version.status === 'ACTIVE' && version.creationDateTime !== undefined)
    .sort((a, b) => b.creationDateTime.getTime() - a.creationDateTime.getTime() || a.solutionVersionArn.localeCompare(b.solutionVersionArn));
  const newest = active[0];
  if (!newest) {
    throw new InvalidRunInputError([{ field: 'solutionArn', message: `${solutionArn} has no ACTIVE solution version (${describeStatuses(versions)})` }]);
  }
  const ageDays = (nowMs - newest.creationDateTime.getTime()) / MS_PER_DAY;
  if (maxAgeDays !== undefined && ageDays > maxAgeDays) {
    throw new InvalidRunInputError([
      {
        field: 'solutionArn',
        message:
          `the newest ACTIVE solution version of ${solutionArn}, ${newest.solutionVersionArn}, was created ` +
          `${newest.creationDateTime.toISOString()}, ${ageDays.toFixed(1)} days ago: older than maxSolutionVersionAgeDays (${maxAgeDays}). ` +
          'Is the solution still being retrained?',
      },
    ]);
  }
  return { solutionArn, solutionVersionArn: newest.solutionVersionArn, creationDateTime: newest.creationDateTime.toISOString() };
}

/** `2 versions: 1 CREATE PENDING, 1 CREATE FAILED`, or `no versions`. */
function describeStatuses(versions: readonly SolutionVersionSummary[]): string {
  if (versions.length === 0) return 'it has no versions';
  const counts = new Map<string, number>();
  for (const version of versions) counts.set(version.status ?? 'no status', (counts.get(version.status ?? 'no status') ?? 0) + 1);
  const parts = [...counts].map(([status, count]) => `${count} ${status}`);
  return `${versions.length} version${versions.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
