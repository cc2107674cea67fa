import '../local/polyfills';
import { parseArgs } from 'node:util';
import { readLocalConfig } from './local-config';
import { localUpCommand } from './local-up-command';
import { runCommand } from './run-command';

const USAGE = `Usage:
  personalize-batch run <input.jsonl> [--config <file.json>] [--out-dir <dir>] [--verbose]
      Runs one batch inference run locally, from upload to recorded result.
  personalize-batch local up [--port <n>] [--config <file.json>] [--verbose]
      Starts the local stand-ins and keeps them running; prints their endpoints as one JSON line.
      With --port n: Personalize on n, Step Functions on n+1, S3 on n+2, DynamoDB on n+3.
`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Runs the CLI and returns its exit code: 0 success, 1 failed run, 2 usage or setup error. */
export async function main(argv: string[], print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        port: { type: 'string' },
        'out-dir': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const [command, ...rest] = positionals;
    if (values.help || !command) {
      print(USAGE);
      return values.help ? 0 : 2;
    }
    const config = await readLocalConfig(values.config);
    if (command === 'run') {
      const [inputFile] = rest;
      if (!inputFile || rest.length > 1) throw new UsageError('run takes exactly one input file');
      return await runCommand({
        inputFile,
        config,
        outputDirectory: values['out-dir'] ?? 'local-output',
        verbose: values.verbose ?? false,
        print,
      });
    }
    if (command === 'local' && rest[0] === 'up' && rest.length === 1) {
      return await localUpCommand({ config, verbose: values.verbose ?? false, print, ...parsePort(values.port) });
    }
    throw new UsageError(`Unknown command: ${[command, ...rest].join(' ')}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`personalize-batch: ${message}\n`);
    if (error instanceof UsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(USAGE);
    }
    return 2;
  }
}

function parsePort(port: string | undefined): { basePort?: number } {
  if (port === undefined) return {};
  const value = Number(port);
  if (!Number.isInteger(value) || value < 1 || value > 65532) throw new UsageError(`--port must be a port number, got ${port}`);
  return { basePort: value };
}
