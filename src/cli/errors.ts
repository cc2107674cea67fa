import { stat } from 'node:fs/promises';

/**
 * The CLI's exit codes, part of its documented interface (README, "Operating runs"):
 * 0 done (the run succeeded, when the command follows one); 1 the run did not succeed, or a start
 * was refused; 2 a mistake on the command line (command, flag, argument, file, input); 3 nothing to
 * talk to (no local environment, no stack for the stage, no credentials or region, access denied);
 * 4 no such run.
 */
export const EXIT_CODES = Object.freeze({ ok: 0, runNotSuccessful: 1, usage: 2, unreachable: 3, noSuchRun: 4 });

/** A mistake or a missing target, reported as one line and an exit code, never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_CODES.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A mistake on the command line: exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.usage);
    this.name = 'UsageError';
  }
}

/**
 * Checks that `path` is a file this process can read, before a command starts anything.
 *
 * @throws UsageError naming the file and what is wrong with it (missing, a folder, unreadable).
 */
export async function requireReadableFile(path: string, what: string): Promise<void> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${what} ${path}: ${describeFileError(error)}`);
  });
  if (info.isDirectory()) throw new UsageError(`${what} ${path} is a folder; give a file`);
}

/**
 * Checks that `path` is a folder or does not exist yet (it will be created).
 *
 * @throws UsageError when it names a file.
 */
export async function requireFolderOrNothing(path: string, what: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info && !info.isDirectory()) throw new UsageError(`${what} ${path} is a file; give a folder (it is created if missing)`);
}

/** `ENOENT` → "no such file", in words a user acts on. */
export function describeFileError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a folder; give a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error.message;
  }
}
