import type { ConfigFiles } from './ports';
import { configKey, DEFAULT_JOB_GROUP, invalidGroupFolder, jobGroupForInput, type BucketLayout } from '../domain/bucket-layout';
import { InvalidRunInputError } from '../domain/errors';
import { parseJobGroupConfig } from '../domain/job-group-config';
import type { RunDefaults } from '../domain/job-settings';
import { mergeRunInput, parseRunInputFields, type RunInput } from '../domain/run-input';

/** What reading a run's job group configuration needs. */
export interface ResolveRunInputDependencies {
  defaults: RunDefaults;
  layout: BucketLayout;
  configs: ConfigFiles;
}

/**
 * The run's own input over its job group's configuration file. The group is the one the input
 * names, or the one its upload folder implies. A group named explicitly must have a file; an
 * implied one may have none (stage defaults apply).
 *
 * @returns the merged input (with its `jobGroup` set when there is one) and the stage defaults, with
 *   the group's `outputPath` as the base every run of the group writes under.
 * @throws InvalidRunInputError for bad input fields, an input folder that cannot name a group, a
 *   named group without a file, or a file that
 *   is not valid JSON or not a valid configuration (issues name the file).
 */
export async function resolveRunInput(raw: unknown, deps: ResolveRunInputDependencies): Promise<{ input: RunInput; defaults: RunDefaults }> {
  const input = parseRunInputFields(raw);
  const badFolder = input.jobGroup === undefined ? invalidGroupFolder(input.inputPath, deps.layout) : undefined;
  if (badFolder !== undefined) {
    throw new InvalidRunInputError([
      {
        field: 'inputPath',
        message:
          `is in the folder "${badFolder}", which cannot name a job group (1-63 letters, digits, "_" or "-", starting with a letter or digit); ` +
          'rename the folder, or name the group with jobGroup',
      },
    ]);
  }
  const jobGroup = input.jobGroup ?? jobGroupForInput(input.inputPath, deps.layout);
  if (!jobGroup) return { input: mergeRunInput({}, input), defaults: deps.defaults };
  const key = configKey(jobGroup, deps.layout);
  const location = `s3://${deps.layout.bucket}/${key}`;
  const text = await deps.configs.read(deps.layout.bucket, key);
  if (text === undefined) {
    if (input.jobGroup && input.jobGroup !== DEFAULT_JOB_GROUP) {
      throw new InvalidRunInputError([{ field: 'jobGroup', message: `names "${input.jobGroup}", which has no configuration file at ${location}` }]);
    }
    return { input: { ...mergeRunInput({}, input), jobGroup }, defaults: deps.defaults };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidRunInputError([{ field: location, message: `is not valid JSON (${error instanceof Error ? error.message : String(error)})` }]);
  }
  // A group's outputPath is where its runs write, each in a folder of its own: runs of the same
  // file name would otherwise overwrite each other's `<file>.out`.
  const { outputPath: groupOutputPath, ...config } = parseJobGroupConfig(parsed, location);
  return {
    input: { ...mergeRunInput(config, input), jobGroup },
    defaults: groupOutputPath ? { ...deps.defaults, outputBaseUri: groupOutputPath } : deps.defaults,
  };
}
