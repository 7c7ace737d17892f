import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { cliFailure } from '../../../server/cli/cli-failure.js';
import { CliError } from '../../../server/cli/cli-support.js';

describe('cliFailure', () => {
  it('makes every usage error exit 2 and lets help exit 0', () => {
    expect(cliFailure(new CommanderError(1, 'commander.unknownOption', 'x'), false)).toEqual({ exitCode: 2 });
    expect(cliFailure(new CommanderError(1, 'commander.missingMandatoryOptionValue', 'x'), false)).toEqual({
      exitCode: 2,
    });
    expect(cliFailure(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), false)).toEqual({
      exitCode: 0,
    });
  });

  it("keeps a CliError's own code and line", () => {
    expect(cliFailure(new CliError('no company 42', 2), false)).toEqual({
      exitCode: 2,
      message: 'duesense: no company 42',
    });
  });

  it('prints one line for anything else, and the stack only when debugging', () => {
    const err = new Error('database is locked\nmore detail');
    expect(cliFailure(err, false)).toEqual({
      exitCode: 1,
      message: 'duesense: database is locked (set DEBUG=1 for the stack trace)',
    });
    expect(cliFailure(err, true).message).toContain('    at ');
  });
});
