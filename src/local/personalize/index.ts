export {
  startPersonalizeStandIn,
  DEFAULT_DURATIONS,
  DEFAULT_MAX_CONCURRENT_JOBS,
  DEFAULT_FINALIZE_WAIT_MS,
  type PersonalizeStandIn,
  type PersonalizeStandInOptions,
} from './personalize-stand-in';
export { DEFAULT_CATALOG, loadCatalog } from './catalog';
export type { JobDurations, SolutionVersionStatus, StandInCatalog, StandInFilter, StandInRecipe, StandInSolutionVersion } from './types';
export { describeSolutions, solutionArnOf, type SolutionDescription } from './solution-versions';
export { DEFAULT_BATCH_INPUT_LIMITS, type BatchInputLimits } from './input-limits';
export { DEFAULT_OUTPUT_PART_BYTES } from './output-upload';
