import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../../server/clock.js';
import { createThrottle, throttleFaultXml } from '../../../../server/emulator/traffic/throttle.js';

const START = '2024-05-01T12:00:00.000Z';

function admitMany(admit: () => { ok: boolean }, n: number): boolean[] {
  return Array.from({ length: n }, () => admit().ok);
}

describe('throttle', () => {
  it('admits 10 requests in one second and refuses the 11th until the second has passed', () => {
    const clock = manualClock(START);
    const t = createThrottle({ clock, enabled: true });
    expect(admitMany(() => t.admit('r1', 'api'), 10).every(Boolean)).toBe(true);
    const refused = t.admit('r1', 'api');
    expect(refused).toEqual({ ok: false, retryAfterSec: 1 });
    clock.advance(999);
    expect(t.admit('r1', 'api').ok).toBe(false);
    clock.advance(1);
    expect(t.admit('r1', 'api').ok).toBe(true);
  });

  it('slides the one-second window rather than resetting it on the second', () => {
    const clock = manualClock(START);
    const t = createThrottle({ clock, enabled: true });
    admitMany(() => t.admit('r1', 'api'), 5);
    clock.advance(500);
    admitMany(() => t.admit('r1', 'api'), 5);
    clock.advance(500); // the first five leave the window, the last five stay
    expect(admitMany(() => t.admit('r1', 'api'), 6)).toEqual([true, true, true, true, true, false]);
  });

  it('admits 500 requests per minute and refuses the 501st until the oldest is a minute old', () => {
    const clock = manualClock(START);
    const t = createThrottle({ clock, enabled: true });
    for (let i = 0; i < 50; i++) {
      expect(admitMany(() => t.admit('r1', 'api'), 10).every(Boolean)).toBe(true);
      clock.advance(1_000);
    }
    // 50 s in, 500 admitted: the per-second window is empty but the minute is full.
    const refused = t.admit('r1', 'api');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.retryAfterSec).toBe(10);
    clock.advance(9_999);
    expect(t.admit('r1', 'api').ok).toBe(false);
    clock.advance(1);
    expect(admitMany(() => t.admit('r1', 'api'), 11)).toEqual([...Array<boolean>(10).fill(true), false]);
  });

  it('limits batch requests to 40 a minute, and counts them as requests too', () => {
    const clock = manualClock(START);
    const t = createThrottle({ clock, enabled: true });
    for (let i = 0; i < 8; i++) {
      expect(admitMany(() => t.admit('r1', 'batch'), 5).every(Boolean)).toBe(true);
      clock.advance(1_000);
    }
    expect(t.admit('r1', 'batch').ok).toBe(false);
    expect(t.admit('r1', 'api').ok).toBe(true); // ordinary requests still fit
    // Batches count toward the per-second limit.
    const clock2 = manualClock(START);
    const t2 = createThrottle({ clock: clock2, enabled: true });
    admitMany(() => t2.admit('r1', 'batch'), 10);
    expect(t2.admit('r1', 'api').ok).toBe(false);
    clock.advance(52_000); // the first five batches are now over a minute old
    expect(admitMany(() => t.admit('r1', 'batch'), 6)).toEqual([true, true, true, true, true, false]);
  });

  it('lets everything through when disabled, and can be switched back on', () => {
    const clock = manualClock(START);
    const t = createThrottle({ clock, enabled: false });
    expect(admitMany(() => t.admit('r1', 'api'), 1_000).every(Boolean)).toBe(true);
    t.setEnabled(true);
    expect(admitMany(() => t.admit('r1', 'api'), 11)).toEqual([...Array<boolean>(10).fill(true), false]);
  });

  it('keeps realms independent', () => {
    const clock = manualClock(START);
    const t = createThrottle({ clock, enabled: true });
    admitMany(() => t.admit('r1', 'api'), 10);
    expect(t.admit('r1', 'api').ok).toBe(false);
    expect(admitMany(() => t.admit('r2', 'api'), 10).every(Boolean)).toBe(true);
  });

  it('does not count rejected requests against the quota', () => {
    const clock = manualClock(START);
    const t = createThrottle({ clock, enabled: true });
    admitMany(() => t.admit('r1', 'api'), 10);
    for (let i = 0; i < 100; i++) expect(t.admit('r1', 'api').ok).toBe(false);
    clock.advance(1_000);
    expect(admitMany(() => t.admit('r1', 'api'), 10).every(Boolean)).toBe(true);
    // 20 admitted this minute, not 120: 480 more fit before the minute is full.
    let admitted = 20;
    for (let s = 0; s < 48; s++) {
      clock.advance(1_000);
      admitted += admitMany(() => t.admit('r1', 'api'), 10).filter(Boolean).length;
    }
    expect(admitted).toBe(500);
  });

  it('reset() forgets all history; custom limits apply', () => {
    const clock = manualClock(START);
    const t = createThrottle({ clock, enabled: true, limits: { perSecond: 2 } });
    expect(admitMany(() => t.admit('r1', 'api'), 3)).toEqual([true, true, false]);
    t.reset();
    expect(t.admit('r1', 'api').ok).toBe(true);
  });

  it('stays correct across the idle-realm sweep with many realms', () => {
    const clock = manualClock(START);
    const t = createThrottle({ clock, enabled: true });
    for (let i = 0; i < 5_000; i++) t.admit(`realm-${i}`, 'api');
    clock.advance(61_000);
    admitMany(() => t.admit('r1', 'api'), 10);
    expect(t.admit('r1', 'api').ok).toBe(false);
    expect(admitMany(() => t.admit('realm-1', 'api'), 10).every(Boolean)).toBe(true);
  });
});

describe('throttleFaultXml', () => {
  it("renders QBO's 3001 ThrottleExceeded XML with the given time", () => {
    const xml = throttleFaultXml('2024-05-01T05:00:00.000-07:00');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8" standalone="yes"\?>/);
    expect(xml).toContain(
      '<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2024-05-01T05:00:00.000-07:00">',
    );
    expect(xml).toContain(
      '<Fault type="SERVICE"><Error code="3001">' +
        '<Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>',
    );
    expect(xml).toContain('<Detail>The request limit was reached.  Try again later</Detail>');
  });
});
