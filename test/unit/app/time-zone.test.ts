import { describe, expect, it } from 'vitest';
import { LOCAL_TIME, readLocalTime } from '../../../server/time-zone.js';

describe('local times of day', () => {
  it('stores and configures HH:MM from 00:00 to 23:59 only', () => {
    for (const good of ['00:00', '05:00', '23:59']) expect(LOCAL_TIME.test(good), good).toBe(true);
    for (const bad of ['5:00', '24:00', '12:60', '05:0', '05:00 ', '']) expect(LOCAL_TIME.test(bad), bad).toBe(false);
  });

  it('reads what a person types: HH:MM and H:MM, nothing else', () => {
    expect(readLocalTime('5:00')).toBe('05:00');
    expect(readLocalTime('23:59')).toBe('23:59');
    for (const bad of ['24:00', '12:60', '5', '05:0', '5pm', '', ' 05:00x', '9:60', '123:00']) {
      expect(readLocalTime(bad), bad).toBeUndefined();
    }
  });
});
