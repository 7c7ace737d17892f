import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney, fromCents, toCents } from '../../../server/money.js';

describe('money in integer cents', () => {
  it('converts QBO decimals without binary drift', () => {
    expect(toCents(1.005)).toBe(101);
    expect(toCents(0.1 + 0.2)).toBe(30);
    expect(toCents('12.34')).toBe(1234);
    expect(toCents(-2.5)).toBe(-250);
    expect(toCents(null)).toBe(0);
    expect(() => toCents('abc')).toThrow(/Not an amount/);
  });

  it('round-trips every cent value', () => {
    fc.assert(fc.property(fc.integer({ min: -1e11, max: 1e11 }), (c) => toCents(fromCents(c)) === c));
  });

  it('writes cents back as a decimal with two places, keeping an absent amount absent', () => {
    expect(fromCents(123456)).toBe(1234.56);
    expect(fromCents(-250)).toBe(-2.5);
    expect(fromCents(100.6)).toBe(1.01);
    expect(fromCents(null)).toBeNull();
  });

  it('formats', () => {
    expect(formatMoney(1234567)).toBe('$12,345.67');
  });
});
