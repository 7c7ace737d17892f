import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atobSafeJson, jwtSegment } from '../../../../server/emulator/oauth/jwt-segment.js';

describe('jwtSegment', () => {
  it('round-trips any claims and never emits the base64url-only characters atob() rejects', () => {
    const claims = fc.dictionary(
      fc.string(),
      fc.oneof(
        fc.string(),
        fc.string({ unit: 'binary' }),
        fc.constantFrom('https://oauth.platform.intuit.com/op/v1', '~?>~?>~?>'),
        fc.integer(),
        fc.array(fc.string()),
        fc.boolean(),
      ),
    );
    fc.assert(
      fc.property(claims, (value) => {
        const segment = jwtSegment(value);
        expect(segment).not.toMatch(/[-_]/);
        const bytes = Uint8Array.from(atob(segment), (c) => c.charCodeAt(0));
        expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual(value);
        expect(JSON.parse(atobSafeJson(value))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('escapes the risky characters only where they would matter', () => {
    expect(atobSafeJson({ a: '~~~' })).toBe('{"a":"~~\\u007e"}');
  });
});
