import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { CatalogIndex } from './catalog';
import { asFolderPrefix, fileNameOf, isFolderMarker, parseJsonLine, parseS3Uri, type S3Location } from './input-format';
import { DEFAULT_BATCH_INPUT_LIMITS, type BatchInputLimits } from './input-limits';
import { readLines } from './line-reader';
import { formatOutputLine, toOutputLine } from './output-format';
import { DEFAULT_OUTPUT_PART_BYTES, OutputUpload, OutputUploadError } from './output-upload';
import { createRecommender } from './recommender';
import { createSegmenter } from './segmenter';
import { isSegmentationRecipe, RECIPE_NAMES, type JobOutcome, type StandInJobType, type StandInRecipe, type CreateBatchInferenceJobRequest } from './types';

export interface JobToRun {
  /** A batch segment job's request has the same shape minus the inference-only members. */
  request: CreateBatchInferenceJobRequest;
  recipe: StandInRecipe;
  /** Default `BATCH_INFERENCE`. */
  jobType?: StandInJobType;
}

/** How a job reads and writes; every member has a default, tests shrink them. */
export interface JobRunnerOptions {
  /** Default: `DEFAULT_BATCH_INPUT_LIMITS` (Personalize's). */
  limits?: BatchInputLimits;
  /** Output multipart part size in bytes. Default `DEFAULT_OUTPUT_PART_BYTES` (8 MiB). */
  outputPartBytes?: number;
}

interface InputFile {
  key: string;
  size: number;
}

/** Raised inside a run to end it as CREATE FAILED with this reason. */
class JobFailure extends Error {}

/**
 * Does what the service does once a job leaves CREATE IN_PROGRESS: reads every object under the input
 * prefix, scores each record, writes `<input file name>.out` under the output folder. Every problem
 * becomes a CREATE FAILED outcome with a readable reason; this function does not reject.
 *
 * Input is streamed line by line and output written as multipart uploads, so memory is bounded by the
 * part size and the longest line, not by the files. Every output stays an unfinished upload until
 * every input file has been read, so a failed job leaves no partial output.
 */
export async function runBatchInferenceJob(job: JobToRun, s3: S3Client, catalog: CatalogIndex, options: JobRunnerOptions = {}): Promise<JobOutcome> {
  try {
    await run(job, s3, catalog, options.limits ?? DEFAULT_BATCH_INPUT_LIMITS, options.outputPartBytes ?? DEFAULT_OUTPUT_PART_BYTES);
    return { status: 'ACTIVE' };
  } catch (error) {
    const failureReason =
      error instanceof JobFailure
        ? error.message
        : error instanceof OutputUploadError
          ? `${error.message}: ${describeError(error.cause)}`
          : `Internal error in the Personalize stand-in: ${describeError(error)}`;
    return { status: 'CREATE FAILED', failureReason };
  }
}

async function run(job: JobToRun, s3: S3Client, catalog: CatalogIndex, limits: BatchInputLimits, outputPartBytes: number): Promise<void> {
  const { request, recipe } = job;
  const segments = job.jobType === 'BATCH_SEGMENT';
  const noun = segments ? 'batch segment job' : 'batch inference job';
  if (segments !== isSegmentationRecipe(recipe)) {
    throw new JobFailure(
      segments
        ? `A batch segment job requires a solution version trained with a USER_SEGMENTATION recipe (aws-item-affinity or aws-item-attribute-affinity); ${request.solutionVersionArn} uses ${RECIPE_NAMES[recipe]}.`
        : `A batch inference job cannot use a USER_SEGMENTATION solution version; ${request.solutionVersionArn} uses ${RECIPE_NAMES[recipe]}: start a batch segment job (jobType BATCH_SEGMENT).`,
    );
  }
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

  const files = await listInputFiles(s3, input, inputPath, limits, noun);
  const outputKeys = outputKeysFor(files, asFolderPrefix(output.prefix), output.bucket);
  const maxRecords = themes ? limits.maxThemedRecordsPerFile : limits.maxRecordsPerFile;

  const filter = request.filterArn ? catalog.filter(request.filterArn) : undefined;
  // The stand-in's filters exclude items; a segment lists users, so a filter leaves it as it is.
  const recommend = isSegmentationRecipe(recipe)
    ? createSegmenter({ solutionVersionArn: request.solutionVersionArn, recipe, userIds: catalog.userIds, numResults: request.numResults })
    : createRecommender({
        solutionVersionArn: request.solutionVersionArn,
        recipe,
        itemIds: catalog.itemIds,
        excludeItemIds: filter?.excludeItemIds,
        numResults: request.numResults,
        themes,
      });

  const uploads: OutputUpload[] = [];
  try {
    let recordCount = 0;
    for (const [index, file] of files.entries()) {
      const upload = await OutputUpload.start(s3, { bucket: output.bucket, key: outputKeys[index]!, partSizeBytes: outputPartBytes, contentType: 'application/json' });
      uploads.push(upload);
      let fileRecords = 0;
      for await (const { lineNumber, value } of inputRecords(s3, input.bucket, file.key)) {
        fileRecords += 1;
        if (fileRecords > maxRecords) {
          throw new JobFailure(
            `Input file s3://${input.bucket}/${file.key} has more than ${maxRecords} records (line ${lineNumber} is record ${fileRecords}); ` +
              (themes
                ? `a batch inference job with themes (THEME_GENERATION) accepts at most ${maxRecords} records per input file.`
                : `a ${noun} accepts at most ${maxRecords} records per input file.`),
          );
        }
        await upload.write(formatOutputLine(toOutputLine(value, recommend(value))));
      }
      await upload.finish();
      recordCount += fileRecords;
    }
    if (recordCount === 0) {
      throw new JobFailure(`The input data at ${inputPath} is empty: its files contain no JSON Lines records.`);
    }
    for (const upload of uploads) await upload.complete();
  } catch (error) {
    await Promise.all(uploads.map((upload) => upload.abort()));
    throw error;
  }
}

function s3LocationOf(path: string, role: 'input' | 'output'): S3Location {
  const location = parseS3Uri(path);
  if (!location) {
    throw new JobFailure(`The ${role} path ${path} is not an s3://bucket/key URI; the local Personalize stand-in reads and writes only s3:// paths.`);
  }
  return location;
}

/**
 * The input files and their sizes. The input path is a key prefix, not a folder: `s3://b/in` also
 * matches `in_test/x.json`. File count and total size are known from the listing, before any read.
 */
async function listInputFiles(s3: S3Client, input: S3Location, inputPath: string, limits: BatchInputLimits, noun: string): Promise<InputFile[]> {
  const objects = await listObjects(s3, input, inputPath);
  const candidates = objects.filter((object) => !isFolderMarker(object.key));
  if (candidates.length === 0) {
    throw new JobFailure(`Input data not found: no objects match the input path ${inputPath}.`);
  }
  if (candidates.length > limits.maxInputFiles) {
    throw new JobFailure(`The input path ${inputPath} matches ${candidates.length} files; a ${noun} accepts at most ${limits.maxInputFiles} input files.`);
  }
  const totalBytes = candidates.reduce((sum, object) => sum + object.size, 0);
  if (totalBytes > limits.maxInputBytes) {
    throw new JobFailure(
      `The input data at ${inputPath} is ${totalBytes} bytes; a ${noun} accepts at most ${limits.maxInputBytes} bytes (1 GB) of input.`,
    );
  }
  return candidates;
}

/** The records of one input file, read with a streamed GetObject, one line at a time. */
async function* inputRecords(s3: S3Client, bucket: string, key: string): AsyncGenerator<{ lineNumber: number; value: unknown }> {
  const lines = readLines(await openObject(s3, bucket, key));
  let lineNumber = 0;
  // Returning the line reader destroys the response stream, also when the caller stops early.
  try {
    while (true) {
      let next: IteratorResult<string>;
      try {
        next = await lines.next();
      } catch (error) {
        throw new JobFailure(`Unable to read input file s3://${bucket}/${key}: ${describeError(error)}`);
      }
      if (next.done) return;
      lineNumber += 1;
      const line = parseJsonLine(next.value);
      if (line.kind === 'invalid') {
        throw new JobFailure(`Input file s3://${bucket}/${key} is not JSON Lines: line ${lineNumber} is not valid JSON.`);
      }
      if (line.kind === 'record') yield { lineNumber, value: line.value };
    }
  } finally {
    await lines.return();
  }
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

async function openObject(s3: S3Client, bucket: string, key: string): Promise<Readable> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    // In Node the SDK's streaming Body is an http.IncomingMessage, a Readable.
    return (response.Body as Readable | undefined) ?? Readable.from([]);
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
