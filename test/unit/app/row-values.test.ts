import { describe, expect, it } from 'vitest';
import { toDate, toNumberOrNull } from '../../../server/db/row-values.js';

describe('row values as the drivers return them', () => {
  it('reads a timestamp from SQLite epoch numbers or digit strings, PostgreSQL Dates, and ISO text', () => {
    const at = new Date('2026-03-04T05:06:07.000Z');
    expect(toDate(at.getTime())).toEqual(at);
    expect(toDate(String(at.getTime()))).toEqual(at);
    expect(toDate(at)).toBe(at);
    expect(toDate('2026-03-04T05:06:07.000Z')).toEqual(at);
  });

  it('keeps an empty or unreadable timestamp as null', () => {
    expect(toDate(null)).toBeNull();
    expect(toDate(undefined)).toBeNull();
    expect(toDate('not a time')).toBeNull();
  });

  it('keeps SQL NULL as null and reads numeric text as a number', () => {
    expect(toNumberOrNull(null)).toBeNull();
    expect(toNumberOrNull(undefined)).toBeNull();
    expect(toNumberOrNull(0)).toBe(0);
    expect(toNumberOrNull('12.5')).toBe(12.5);
  });
});
