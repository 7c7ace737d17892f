import { describe, expect, it } from 'vitest';
import { paramReader } from '../../../server/http/query-params.js';

describe('paramReader', () => {
  it('reads trimmed values, treats absent and empty as not given, and asks for a repeated one once', () => {
    const q = paramReader({ a: '  x ', empty: '', twice: ['1', '2'] });
    expect([q.one('a'), q.one('empty'), q.one('missing'), q.one('twice')]).toEqual(['x', '', '', '']);
    expect(q.problems).toEqual(['Give "twice" once.']);
  });

  it('picks one of the allowed values and names them all when the value is not one', () => {
    const q = paramReader({ dir: 'asc', sort: 'colour' });
    expect(q.pick('dir', ['asc', 'desc'], 'sort direction')).toBe('asc');
    expect(q.pick('sort', ['name', 'score'], 'sort')).toBe('');
    expect(q.pick('none', ['name', 'score'], 'sort')).toBe('');
    expect(q.problems).toEqual(['Unknown sort "colour": use one of name, score.']);
  });

  it('reads entry numbers of up to 15 digits and page numbers of up to 9, from 1', () => {
    const q = paramReader({
      id: '999999999999999',
      longId: '9999999999999999',
      page: '999999999',
      longPage: '1000000000',
      zero: '0',
      half: '1.5',
    });
    expect(q.id('id', 'Before')).toBe(999_999_999_999_999);
    expect(q.page('page', 'Page')).toBe(999_999_999);
    const rejected = [
      q.id('longId', 'Before'),
      q.page('longPage', 'Page'),
      q.id('zero', 'Before'),
      q.page('half', 'Page'),
    ];
    expect(rejected).toEqual([undefined, undefined, undefined, undefined]);
    expect(q.problems).toEqual([
      'Before "9999999999999999" is not an entry number: use a whole number from 1.',
      'Page "1000000000" is not a page number: use a whole number from 1.',
      'Before "0" is not an entry number: use a whole number from 1.',
      'Page "1.5" is not a page number: use a whole number from 1.',
    ]);
  });

  it('quotes at most 40 characters of a rejected value', () => {
    const q = paramReader({ kind: 'x'.repeat(100) });
    q.pick('kind', ['a'], 'kind');
    expect(q.problems).toEqual([`Unknown kind "${'x'.repeat(40)}": use one of a.`]);
  });
});
