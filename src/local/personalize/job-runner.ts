import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CatalogIndex } from './catalog';
import { asFolderPrefix, fileNameOf, isFolderMarker, parseJsonLines, parseS3Uri, type InputRecord, type S3Location } from './input-format';
import { formatOutputFile, toOutputLine } from './output-format';
import { createRecommender } from './recommender';
import type { JobOutcome, StandInRecipe, CreateBatchInferenceJobRequest } from './types';

/** Personalize quotas for one batch inference job (developer guide, "Quotas"). */
const MAX_INPUT_FILES = 1000;
const MAX_INPUT_BYTES = 1024 ** 3;
/** Themed batch recommendations accept at most 100 items per input file. */
const MAX_THEMED_RECORDS_PER_FILE = 100;

export interface JobToRun {
  request: CreateBatchInferenceJobRequest;
  recipe: StandInRecipe;
}

interface InputFile {
  key: string;
  records: InputRecord[];
}

/** Raised inside a run to end it as CREATE FAILED with this reason. */
class JobFailure extends Error {}

/**
 * Does what the service does once a job leaves CREATE IN_PROGRESS: reads every object under the input
 * prefix, scores each record, writes `<input file name>.out` under the output folder. Every problem
 * becomes a CREATE FAILED outcome with a readable reason; this function does not reject.
 *
 * Nothing is written unless every input file parsed, so a failed job leaves no partial output.
 */
export async function runBatchInferenceJob(job: JobToRun, s3: S3Client, catalog: CatalogIndex): Promise<JobOutcome> {
  try {
    await run(job, s3, catalog);
    return { status: 'ACTIVE' };
  } catch (error) {
    const failureReason = error instanceof JobFailure ? error.message : `Internal error in the Personalize stand-in: ${describeError(error)}`;
    return { status: 'CREATE FAILED', failureReason };
  }
}

async function run(job: JobToRun, s3: S3Client, catalog: CatalogIndex): Promise<void> {
  const { request, recipe } = job;
  const themes = request.batchInferenceJobMode === 'THEME_GENERATION';
  if (themes && recipe !== 'RELATED_ITEMS') {
    throw new JobFailure(
      `THEME_GENERATION requires a solution version trained with a RELATED_ITEMS recipe (Similar-Items); ${request.solutionVersionArn} uses ${recipe}.`,
    );
  }
  const inputPath = request.jobInput.s3DataSource.path;
  const outputPath = request.jobOutput.s3DataDestination.path;
  const input = s3LocationOf(inputPath, 'input');
  const output = s3LocationOf(outputPath, 'output');

  const files = await readInputFiles(s3, input, inputPath);
  const recordCount = files.reduce((sum, file) => sum + file.records.length, 0);
  if (recordCount === 0) {
    throw new JobFailure(`The input data at ${inputPath} is empty: its files contain no JSON Lines records.`);
  }
  if (themes) {
    const tooBig = files.find((file) => file.records.length > MAX_THEMED_RECORDS_PER_FILE);
    if (tooBig) {
      throw new JobFailure(
        `Input file s3://${input.bucket}/${tooBig.key} has ${tooBig.records.length} records; THEME_GENERATION accepts at most ${MAX_THEMED_RECORDS_PER_FILE} per file.`,
      );
    }
  }
  const outputKeys = outputKeysFor(files, asFolderPrefix(output.prefix), output.bucket);

  const filter = request.filterArn ? catalog.filter(request.filterArn) : undefined;
  const recommend = createRecommender({
    solutionVersionArn: request.solutionVersionArn,
    recipe,
    itemIds: catalog.itemIds,
    excludeItemIds: filter?.excludeItemIds,
    numResults: request.numResults,
    themes,
  });
  for (const [index, file] of files.entries()) {
    const body = formatOutputFile(file.records.map((record) => toOutputLine(record.value, recommend(record.value))));
    const key = outputKeys[index]!;
    try {
      // An explicit length: the SDK cannot size an empty body (an empty input file) and would warn.
      await s3.send(
        new PutObjectCommand({ Bucket: output.bucket, Key: key, Body: body, ContentLength: Buffer.byteLength(body), ContentType: 'application/json' }),
      );
    } catch (error) {
      throw new JobFailure(`Unable to write output to s3://${output.bucket}/${key}: ${describeError(error)}`);
    }
  }
}

function s3LocationOf(path: string, role: 'input' | 'output'): S3Location {
  const location = parseS3Uri(path);
  if (!location) {
    throw new JobFailure(`The ${role} path ${path} is not an s3://bucket/key URI; the local Personalize stand-in reads and writes only s3:// paths.`);
  }
  return location;
}

/** The input path is a key prefix, not a folder: `s3://b/in` also matches `in_test/x.json`. */
async function readInputFiles(s3: S3Client, input: S3Location, inputPath: string): Promise<InputFile[]> {
  const objects = await listObjects(s3, input, inputPath);
  const candidates = objects.filter((object) => !isFolderMarker(object.key));
  if (candidates.length === 0) {
    throw new JobFailure(`Input data not found: no objects match the input path ${inputPath}.`);
  }
  if (candidates.length > MAX_INPUT_FILES) {
    throw new JobFailure(`The input path ${inputPath} matches ${candidates.length} files; a batch inference job accepts at most ${MAX_INPUT_FILES}.`);
  }
  const totalBytes = candidates.reduce((sum, object) => sum + object.size, 0);
  if (totalBytes > MAX_INPUT_BYTES) {
    throw new JobFailure(`The input data at ${inputPath} is ${totalBytes} bytes; a batch inference job accepts at most 1 GB.`);
  }
  const files: InputFile[] = [];
  for (const { key } of candidates) {
    const text = await readObject(s3, input.bucket, key);
    const parsed = parseJsonLines(text);
    if (!parsed.ok) {
      throw new JobFailure(`Input file s3://${input.bucket}/${key} is not JSON Lines: line ${parsed.lineNumber} is not valid JSON.`);
    }
    files.push({ key, records: parsed.records });
  }
  return files;
}

async function listObjects(s3: S3Client, input: S3Location, inputPath: string): Promise<Array<{ key: string; size: number }>> {
  const objects: Array<{ key: string; size: number }> = [];
  let continuationToken: string | undefined;
  try {
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: input.bucket, Prefix: input.prefix, ContinuationToken: continuationToken }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) objects.push({ key: object.Key, size: object.Size ?? 0 });
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  } catch (error) {
    throw new JobFailure(`Unable to read the input path ${inputPath}: ${describeError(error)}`);
  }
  return objects;
}

async function readObject(s3: S3Client, bucket: string, key: string): Promise<string> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await response.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    throw new JobFailure(`Unable to read input file s3://${bucket}/${key}: ${describeError(error)}`);
  }
}

/**
 * `<input file name>.out` for each file. Files in different sub-folders can share a name; rather than let
 * one output silently overwrite another, the stand-in fails the job (what AWS does here is UNCONFIRMED).
 */
function outputKeysFor(files: readonly InputFile[], outputFolder: string, outputBucket: string): string[] {
  const owners = new Map<string, string>();
  return files.map((file) => {
    const key = `${outputFolder}${fileNameOf(file.key)}.out`;
    const previous = owners.get(key);
    if (previous !== undefined) {
      throw new JobFailure(`Input files ${previous} and ${file.key} would both write s3://${outputBucket}/${key}; give input files distinct names.`);
    }
    owners.set(key, file.key);
    return key;
  });
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
