/*
 * Personalize's limits on a batch inference job's input data (developer guide, "Quotas": 1,000 input
 * files, 1 GB of input, 50 million records per file, 100 per file with themes).
 *
 * Where they surface: as the job ending CREATE FAILED with a `failureReason`, never as an error from
 * CreateBatchInferenceJob. Create answers at once and only validates the request's members (the
 * service model's InvalidInputException is about those: names, ARNs, path patterns); Personalize
 * reads the S3 data after the job exists, the same way a missing input path or a line that is not
 * JSON is only found then and ends the job CREATE FAILED. The data can also change between Create
 * and the read, so a check at Create could not be the real one. The exact failureReason wording is
 * not documented; these messages name the file, the count found and the limit.
 *
 * "1 GB of input" is read as the job's whole input (every file under the input path): that also
 * bounds each file. It is 1024³ bytes here; AWS does not say whether its GB is 10⁹ or 2³⁰.
 */

/** Limits one job's input is checked against; injectable so tests need not build gigabyte files. */
export interface BatchInputLimits {
  /** Objects under the input path, folder markers (`…/`) excluded. Personalize: 1,000. */
  maxInputFiles: number;
  /** Sum of those objects' sizes in bytes, from the listing. Personalize: 1 GB. */
  maxInputBytes: number;
  /** Records (non-blank lines, records that fail included) in one input file. Personalize: 50 million. */
  maxRecordsPerFile: number;
  /** The same in THEME_GENERATION mode (batch recommendations with themes). Personalize: 100. */
  maxThemedRecordsPerFile: number;
}

/** The limits Personalize documents. */
export const DEFAULT_BATCH_INPUT_LIMITS: Readonly<BatchInputLimits> = Object.freeze({
  maxInputFiles: 1000,
  maxInputBytes: 1024 ** 3,
  maxRecordsPerFile: 50_000_000,
  maxThemedRecordsPerFile: 100,
});

/**
 * `overrides` on top of the documented limits, each checked to be a positive integer.
 * @throws RangeError naming the offending limit.
 */
export function resolveBatchInputLimits(overrides: Partial<BatchInputLimits> = {}): BatchInputLimits {
  const limits = { ...DEFAULT_BATCH_INPUT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`limits.${name} must be a positive integer, got ${value}`);
  }
  return limits;
}
