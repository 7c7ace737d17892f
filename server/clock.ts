/** Time is a parameter: everything that needs "now" takes a Clock, so tests and the emulator can freeze it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that always answers the same instant. */
export function fixedClock(at: Date | string): Clock {
  const instant = new Date(at);
  if (Number.isNaN(instant.getTime())) throw new Error(`fixedClock: not a date: ${String(at)}`);
  return { now: () => new Date(instant) };
}

/** A clock tests move by hand: set() jumps, advance() adds milliseconds. */
export interface ManualClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function manualClock(start: Date | string): ManualClock {
  let current = new Date(start).getTime();
  if (Number.isNaN(current)) throw new Error(`manualClock: not a date: ${String(start)}`);
  return {
    now: () => new Date(current),
    set(at) {
      const next = new Date(at).getTime();
      if (Number.isNaN(next)) throw new Error(`manualClock.set: not a date: ${String(at)}`);
      current = next;
    },
    advance(ms) {
      current += ms;
    },
  };
}

/**
 * A clock that runs at wall-clock speed from a chosen starting instant. The emulator uses it for
 * `--as-of`: the company is frozen at that date, yet timestamps still move forward so writes stay ordered.
 */
export function offsetClock(startAt: Date | string, base: Clock = systemClock): Clock {
  const offset = new Date(startAt).getTime() - base.now().getTime();
  if (Number.isNaN(offset)) throw new Error(`offsetClock: not a date: ${String(startAt)}`);
  return { now: () => new Date(base.now().getTime() + offset) };
}
