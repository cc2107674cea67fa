import type { SolutionVersions } from './ports';
import { ConfigurationError } from '../domain/errors';
import type { RunInput } from '../domain/run-input';
import { newestActiveVersion, type ResolvedSolutionVersion } from '../domain/solution-choice';

/** What resolving a run's `solutionArn` needs. */
export interface ResolveSolutionVersionDependencies {
  solutionVersions?: SolutionVersions | undefined;
  /** Epoch milliseconds. */
  now: () => number;
}

/**
 * The solution version a run that names a `solutionArn` runs: the newest ACTIVE one, listed now.
 * Called on the start step's first attempt only; a queued run keeps what it resolved then (its
 * settings carry the version), so waiting for capacity never switches it to a newer model.
 *
 * @returns undefined when the run names no `solutionArn` (a pinned version, or the stage default)
 * @throws InvalidRunInputError (field `solutionArn`) when the solution does not exist, has no
 *   ACTIVE version, or its newest is older than `maxSolutionVersionAgeDays`; ConfigurationError
 *   when the function was wired without `solutionVersions`
 */
export async function resolveSolutionVersion(input: RunInput, deps: ResolveSolutionVersionDependencies): Promise<ResolvedSolutionVersion | undefined> {
  if (input.solutionArn === undefined) return undefined;
  if (!deps.solutionVersions) {
    throw new ConfigurationError(`The run names solutionArn ${input.solutionArn}, but the start function was wired without ListSolutionVersions`);
  }
  const versions = await deps.solutionVersions.list(input.solutionArn);
  return newestActiveVersion(input.solutionArn, versions, deps.now(), input.maxSolutionVersionAgeDays);
}
