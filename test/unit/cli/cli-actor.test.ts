import { describe, expect, it } from 'vitest';
import { cliActor } from '../../../server/cli/cli-actor.js';

describe('cliActor', () => {
  const noUser = () => {
    throw new Error('no passwd entry');
  };

  it('names the operating-system user, whatever USER says', () => {
    expect(cliActor({ USER: 'someone-else' }, () => 'ada')).toBe('ada (CLI)');
  });

  it('falls back to USER, then LOGNAME, then plain CLI', () => {
    expect(cliActor({ USER: 'grace', LOGNAME: 'other' }, noUser)).toBe('grace (CLI)');
    expect(cliActor({ LOGNAME: 'linus' }, noUser)).toBe('linus (CLI)');
    expect(cliActor({ USER: ' ' }, () => '')).toBe('CLI');
    expect(cliActor({}, noUser)).toBe('CLI');
  });
});
