import { describe, expect, it } from 'vitest';
import { addDaysToDate } from '../../../server/features/risk/domain/dates.js';

describe('addDaysToDate', () => {
  it('adds calendar days across months, years, leap days and daylight-saving changes', () => {
    expect(addDaysToDate('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDaysToDate('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDaysToDate('2026-03-07', 1)).toBe('2026-03-08');
    expect(addDaysToDate('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDaysToDate('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDaysToDate('2026-01-31', 0)).toBe('2026-01-31');
    expect(addDaysToDate('2025-12-15', 365)).toBe('2026-12-15');
  });
});
