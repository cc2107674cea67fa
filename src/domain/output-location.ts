import { withTrailingSlash } from './s3-uri';

/**
 * Where Personalize writes a batch inference job's results: `<input file name>.out` in the output
 * folder (Personalize's documented naming for batch output). An input folder yields one `.out` per
 * file, so the folder itself is the location.
 *
 * @param inputPath - the job's `jobInput` S3 URI (a file, or a folder ending in `/`)
 * @param outputPath - the job's `jobOutput` S3 folder
 * @returns an S3 URI: the output file, or `outputPath` for an input folder
 * @example outputLocation('s3://data/input/users.jsonl', 's3://data/output/run-1/') // 's3://data/output/run-1/users.jsonl.out'
 */
export function outputLocation(inputPath: string, outputPath: string): string {
  if (inputPath.endsWith('/')) return outputPath;
  const fileName = inputPath.slice(inputPath.lastIndexOf('/') + 1);
  return `${withTrailingSlash(outputPath)}${fileName}.out`;
}
