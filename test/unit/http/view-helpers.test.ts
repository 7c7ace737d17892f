import { describe, expect, it } from 'vitest';
import { fmt } from '../../../server/http/view-helpers.js';

describe('the shared formatters', () => {
  it('puts thousands separators in counts and amounts', () => {
    expect(fmt.number(12893)).toBe('12,893');
    expect(fmt.number(30000)).toBe('30,000');
    expect(fmt.number(6554.25, 1)).toBe('6,554.3');
    expect(fmt.number(null)).toBe('—');
  });

  it("shows an instant in words in the company's zone, with the zone's abbreviation", () => {
    const at = new Date('2026-12-06T07:30:43.456Z');
    expect(fmt.dateTime(at, 'America/Los_Angeles')).toBe('5 Dec 2026, 23:30 PST');
    expect(fmt.dateTime(at, 'America/New_York')).toBe('6 Dec 2026, 02:30 EST');
    // Summer time is named as such.
    expect(fmt.dateTime(new Date('2026-07-01T14:05:00Z'), 'America/Los_Angeles')).toBe('1 Jul 2026, 07:05 PDT');
    // Midnight is 00, not 24.
    expect(fmt.dateTime(new Date('2026-12-06T08:00:00Z'), 'America/Los_Angeles')).toBe('6 Dec 2026, 00:00 PST');
  });

  it('says UTC when no zone is given, and a dash for no time', () => {
    expect(fmt.dateTime(new Date('2026-12-06T07:30:43.456Z'))).toBe('6 Dec 2026, 07:30 UTC');
    expect(fmt.dateTime(null, 'America/Los_Angeles')).toBe('—');
  });

  it('shows a date in words: an as-of date as it is, an instant on its day in the zone', () => {
    expect(fmt.date('2026-11-24')).toBe('24 Nov 2026');
    expect(fmt.date('2026-01-01')).toBe('1 Jan 2026');
    expect(fmt.date(new Date('2026-12-06T07:30:00Z'), 'America/Los_Angeles')).toBe('5 Dec 2026');
    expect(fmt.date(new Date('2026-12-06T07:30:00Z'))).toBe('6 Dec 2026');
    expect(fmt.date('not a date')).toBe('not a date');
    expect(fmt.date(undefined)).toBe('—');
  });
});
