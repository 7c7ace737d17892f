import { describe, expect, it } from 'vitest';
import { boundedMemo } from '../../../server/shared/bounded-memo.js';

describe('boundedMemo', () => {
  it('computes a key once, then answers from the memo', () => {
    const calls: string[] = [];
    const upper = boundedMemo((s: string) => (calls.push(s), s.toUpperCase()), 10);
    expect([upper('a'), upper('a'), upper('b'), upper('a')]).toEqual(['A', 'A', 'B', 'A']);
    expect(calls).toEqual(['a', 'b']);
  });

  it('starts again when full, so memory stays bounded', () => {
    const calls: number[] = [];
    const double = boundedMemo((n: number) => (calls.push(n), n * 2), 2);
    double(1);
    double(2);
    double(3); // full: the memo is emptied before 3 is kept
    double(1);
    expect(calls).toEqual([1, 2, 3, 1]);
  });
});
