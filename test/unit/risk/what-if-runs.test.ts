import { describe, expect, it } from 'vitest';
import { isWhatIfRun } from '../../../migrations/20261206001400_mark_what_if_runs.js';

describe('which saved runs migration 1400 marks as what-ifs', () => {
  const LA = 'America/Los_Angeles';
  it('a run as of the local date it was made on is live, in the company\u2019s time zone', () => {
    // 03:00 UTC on 11-01 is still 10-31 in Los Angeles, already 11-01 in Auckland.
    expect(isWhatIfRun({ asOf: '2026-10-31', createdAt: new Date('2026-11-01T03:00:00Z') }, LA)).toBe(false);
    expect(isWhatIfRun({ asOf: '2026-10-31', createdAt: new Date('2026-11-01T03:00:00Z') }, 'Pacific/Auckland')).toBe(
      true,
    );
  });
  it('a run as of an earlier or later date is a what-if', () => {
    expect(isWhatIfRun({ asOf: '2025-06-15', createdAt: new Date('2026-10-31T20:00:00Z') }, LA)).toBe(true);
    expect(isWhatIfRun({ asOf: '2030-01-01', createdAt: new Date('2026-10-31T20:00:00Z') }, LA)).toBe(true);
  });
  it('a run begun before local midnight and saved just after keeps the earlier date and is live', () => {
    // 00:00:05 local
    expect(isWhatIfRun({ asOf: '2026-10-31', createdAt: new Date('2026-11-01T07:00:05Z') }, LA)).toBe(false);
    // 01:30 local
    expect(isWhatIfRun({ asOf: '2026-10-31', createdAt: new Date('2026-11-01T08:30:00Z') }, LA)).toBe(true);
  });
});
