import { CommanderError } from 'commander';
import { CliError } from './cli-support.js';

/** Commander's codes for a command line it could not accept: wrong usage, exit code 2. */
const USAGE_ERRORS = new Set([
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.invalidArgument',
  'commander.excessArguments',
  'commander.conflictingOption',
]);

/** Commander's codes for help and version, which are not failures. */
const NOT_FAILURES = new Set([
  'commander.helpDisplayed',
  'commander.help',
  'commander.version',
  'commander.executeSubCommandAsync',
]);

/** The exit code and the line to print for whatever a command threw (commander already printed its own line). */
export function cliFailure(err: unknown, debug: boolean): { exitCode: number; message?: string } {
  if (err instanceof CommanderError) {
    if (NOT_FAILURES.has(err.code)) return { exitCode: err.exitCode };
    return { exitCode: USAGE_ERRORS.has(err.code) ? 2 : err.exitCode || 1 };
  }
  if (err instanceof CliError) return { exitCode: err.exitCode, message: `duesense: ${err.message}` };
  if (debug && err instanceof Error) return { exitCode: 1, message: `duesense: ${err.stack ?? err.message}` };
  return { exitCode: 1, message: `duesense: ${describeFailure(err)}` };
}

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
};

/** One line for a runtime failure; a file-system error names the file and the problem in words. */
function describeFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e?.code && e.path && FILE_PROBLEMS[e.code]) {
    const action =
      e.syscall === 'open' || e.syscall === 'mkdir' || e.syscall === 'write' ? 'cannot write or read' : 'cannot use';
    return `${action} ${e.path}: ${FILE_PROBLEMS[e.code]} (set DEBUG=1 for details)`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return `${message.split('\n')[0]} (set DEBUG=1 for the stack trace)`;
}
