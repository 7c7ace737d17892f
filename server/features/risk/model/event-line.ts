/**
 * Events on whole days, answering "how many, and what do their values sum to, up to day d" by binary search.
 * Kept per distinct day (a company has a few thousand distinct days and a hundred thousand events), so it is
 * built without sorting the events; the values are whole numbers (counts, clipped days), so their sums are
 * exact in any order.
 */
export class EventLine {
  /** Distinct event days, ascending. */
  private days: Float64Array;
  /** Events on or before days[i], and the sum of their values. */
  private counts: Float64Array;
  private sums: Float64Array;

  /**
   * `values[i]` belongs to `days[i]`; without values every event counts 1. A day that never comes (NEVER) is no event.
   */
  constructor(days: Float64Array, values?: Float64Array) {
    this.days = Float64Array.from(new Set(days)).filter(Number.isFinite).sort();
    const index = new Map<number, number>();
    this.days.forEach((d, i) => index.set(d, i));
    this.counts = new Float64Array(this.days.length);
    this.sums = new Float64Array(this.days.length);
    days.forEach((d, i) => {
      const at = index.get(d);
      if (at === undefined) return;
      this.counts[at]! += 1;
      this.sums[at]! += values ? values[i]! : 1;
    });
    for (let i = 1; i < this.days.length; i++) {
      this.counts[i]! += this.counts[i - 1]!;
      this.sums[i]! += this.sums[i - 1]!;
    }
  }

  countUpTo(day: number): number {
    const i = this.lastOnOrBefore(day);
    return i < 0 ? 0 : this.counts[i]!;
  }

  sumUpTo(day: number): number {
    const i = this.lastOnOrBefore(day);
    return i < 0 ? 0 : this.sums[i]!;
  }

  /** Index of the last distinct day <= `day`, −1 when every event is later. */
  private lastOnOrBefore(day: number): number {
    let lo = 0;
    let hi = this.days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.days[mid]! <= day) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}
