import { dayOf } from '../domain/dates.js';
import { settledDate } from '../domain/invoice-metrics.js';
import type { InvoiceFact } from '../domain/risk-facts.js';
import { EventLine } from './event-line.js';

/**
 * When each invoice's outcome became known, so features can ask "what was known on day d" without ever
 * looking past d. An invoice is known late from due + grace + 1 if it was not settled by due + grace
 * (decided by payments up to then), known on time from its settlement day if that was within grace.
 * Only payments on or before the model's as-of date are ever read.
 *
 * Kept as columns (typed arrays), one entry per invoice issued by as-of, grouped by customer and in issue
 * order within each (ties by id): a feature walks a customer's earlier invoices through contiguous memory,
 * which is what makes 30,000 training rows, each over its customer's whole past, cheap. A day that never
 * comes is NEVER (+Infinity), so "known by day d" is a plain `<= d`.
 */
export const NEVER = Infinity;
export const DBT_CLIP = { min: -60, max: 120 } as const;

/** Pseudo-observations behind the company prior when the company itself has little history yet. */
const COMPANY_PRIOR = { lateRate: 0.3, delayDays: 5, weight: 5 } as const;

/** The company's pooled behaviour as known on day d: the prior every customer aggregate is shrunk toward. */
export class CompanyHistory {
  constructor(
    private late: EventLine,
    private onTime: EventLine,
    private settled: EventLine,
  ) {}
  lateRate(day: number): number {
    const late = this.late.countUpTo(day);
    const known = late + this.onTime.countUpTo(day);
    return (late + COMPANY_PRIOR.weight * COMPANY_PRIOR.lateRate) / (known + COMPANY_PRIOR.weight);
  }
  /**
   * The late share of outcomes that became known in the `window` days up to d, shrunk toward the all-time
   * rate: how the company's customers are paying now, which a rate since the beginning hides under old years.
   */
  recentLateRate(day: number, window: number): number {
    const late = this.late.countUpTo(day) - this.late.countUpTo(day - window);
    const known = late + this.onTime.countUpTo(day) - this.onTime.countUpTo(day - window);
    return (late + COMPANY_PRIOR.weight * this.lateRate(day)) / (known + COMPANY_PRIOR.weight);
  }
  meanDbt(day: number): number {
    return (
      (this.settled.sumUpTo(day) + COMPANY_PRIOR.weight * COMPANY_PRIOR.delayDays) /
      (this.settled.countUpTo(day) + COMPANY_PRIOR.weight)
    );
  }
}

/** Several entries share this id: callers compare ids themselves. */
export const SHARED_ID = -2;

/** Everything the features read: per-customer entries in issue order, and the company pool. */
export class PointInTimeHistory {
  readonly asOfDay: number;
  readonly graceDays: number;
  readonly company: CompanyHistory;
  readonly size: number;
  /** Entry k's invoice. */
  readonly invoices: InvoiceFact[];
  readonly txnDay: Float64Array;
  readonly dueDay: Float64Array;
  readonly totalCents: Float64Array;
  /** The day payments up to as-of reached the total, as dated (NEVER while open): what lateness is measured on. */
  readonly paidDay: Float64Array;
  /** The same, never before the invoice existed. */
  readonly settleDay: Float64Array;
  /** Days beyond terms at settlement, clipped to [−60, 120] so one stray invoice cannot dominate a mean. */
  readonly clippedDbt: Float64Array;
  readonly knownLateDay: Float64Array;
  readonly knownOnTimeDay: Float64Array;
  /** Entry k's applications up to as-of are appDay/appCents[appStart[k] .. appStart[k + 1]), in day order. */
  readonly appStart: Int32Array;
  readonly appDay: Float64Array;
  readonly appCents: Float64Array;
  /** Every entry in issue order across customers (ties by id, then input order): training takes rows in it. */
  readonly issueOrder: Int32Array;
  private customers = new Map<string, { start: number; end: number }>();
  private entryOfId: Map<string, number>;

  // Each step is its own small function: a long constructor would run its 100k-row loops unoptimised (the
  // JIT gives up on it when it reaches code it has no feedback for yet), and it runs once per score run.
  // Invoices are read in input order, the order they lie in memory: visiting them customer by customer
  // instead misses the cache on nearly every one.
  constructor(invoices: readonly InvoiceFact[], o: { asOf: string; graceDays: number }) {
    this.asOfDay = dayOf(o.asOf);
    this.graceDays = o.graceDays;
    const kept = invoices.filter((i) => i.totalCents > 0 && i.txnDate <= o.asOf);
    const n = kept.length;
    this.size = n;
    const byIssue = byIssueDate(kept);
    const slotOf = this.groupByCustomer(kept, byIssue);
    this.issueOrder = Int32Array.from(byIssue, (i) => slotOf[i]!);
    this.invoices = new Array<InvoiceFact>(n);
    kept.forEach((inv, i) => {
      this.invoices[slotOf[i]!] = inv;
    });
    this.entryOfId = entriesById(kept, slotOf);
    this.txnDay = new Float64Array(n);
    this.dueDay = new Float64Array(n);
    this.totalCents = new Float64Array(n);
    this.paidDay = new Float64Array(n);
    this.settleDay = new Float64Array(n);
    this.clippedDbt = new Float64Array(n);
    this.knownLateDay = new Float64Array(n);
    this.knownOnTimeDay = new Float64Array(n);
    this.appStart = applicationOffsets(kept, slotOf, o.asOf);
    this.appDay = new Float64Array(this.appStart[n]!);
    this.appCents = new Float64Array(this.appStart[n]!);
    kept.forEach((inv, i) => this.fillEntry(slotOf[i]!, inv, o.asOf));
    this.company = companyHistory(this);
  }

  /** Slots per customer, each customer's entries together and in issue order; returns the slot of each kept invoice. */
  private groupByCustomer(kept: readonly InvoiceFact[], byIssue: readonly number[]): Int32Array {
    const counts = new Map<string, number>();
    for (const inv of kept) counts.set(inv.customerId, (counts.get(inv.customerId) ?? 0) + 1);
    let start = 0;
    for (const [customerId, count] of counts) {
      this.customers.set(customerId, { start, end: start });
      start += count;
    }
    const slotOf = new Int32Array(kept.length);
    for (const i of byIssue) slotOf[i] = this.customers.get(kept[i]!.customerId)!.end++;
    return slotOf;
  }

  /** Entry k's columns from its invoice, its applications (up to as-of) in day order from appStart[k]. */
  private fillEntry(k: number, inv: InvoiceFact, asOf: string): void {
    const txnDay = dayOf(inv.txnDate);
    const dueDay = dayOf(inv.dueDate);
    const first = this.appStart[k]!;
    let cursor = first;
    for (const a of inv.applications) {
      if (a.date > asOf) continue;
      // Insertion into the sorted run (after equal days, as a stable sort would): invoices have one or two.
      const day = dayOf(a.date);
      let at = cursor++;
      while (at > first && this.appDay[at - 1]! > day) {
        this.appDay[at] = this.appDay[at - 1]!;
        this.appCents[at] = this.appCents[at - 1]!;
        at--;
      }
      this.appDay[at] = day;
      this.appCents[at] = a.cents;
    }
    // Settlement is the domain's rule (settledDate), the same the metrics and the forecast use.
    const settled = settledDate(inv, asOf);
    const paidDay = settled === undefined ? NEVER : dayOf(settled);
    const settleDay = paidDay === NEVER ? NEVER : Math.max(txnDay, paidDay);
    const onTime = settleDay <= dueDay + this.graceDays;
    this.txnDay[k] = txnDay;
    this.dueDay[k] = dueDay;
    this.totalCents[k] = inv.totalCents;
    this.paidDay[k] = paidDay;
    this.settleDay[k] = settleDay;
    this.clippedDbt[k] = settleDay === NEVER ? 0 : Math.min(DBT_CLIP.max, Math.max(DBT_CLIP.min, settleDay - dueDay));
    this.knownLateDay[k] = onTime ? NEVER : Math.max(txnDay, dueDay + this.graceDays + 1);
    this.knownOnTimeDay[k] = onTime ? settleDay : NEVER;
  }

  /** The customer's entries [start, end); empty for a customer with none. */
  customerRange(customerId: string): { start: number; end: number } {
    return this.customers.get(customerId) ?? EMPTY_RANGE;
  }

  /** The first entry in [start, end) issued on or after `day`: entries before it are the customer's history then. */
  issuedBefore(range: { start: number; end: number }, day: number): number {
    let lo = range.start;
    let hi = range.end;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.txnDay[mid]! < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The entry holding this invoice id, −1 when none does, SHARED_ID when several do. */
  entryWithId(id: string): number {
    return this.entryOfId.get(id) ?? -1;
  }

  /** Entry k's open balance at the end of `day`. */
  openOnDay(k: number, day: number): number {
    if (this.txnDay[k]! > day) return 0;
    let applied = 0;
    for (let a = this.appStart[k]!, end = this.appStart[k + 1]!; a < end && this.appDay[a]! <= day; a++)
      applied += this.appCents[a]!;
    return Math.max(0, this.totalCents[k]! - applied);
  }
}

const EMPTY_RANGE = Object.freeze({ start: 0, end: 0 });

/** Indexes of invoices in issue order: day, then id; Array.prototype.sort is stable, so ties keep input order. */
function byIssueDate(invoices: readonly InvoiceFact[]): number[] {
  const day = invoices.map((i) => dayOf(i.txnDate));
  const byId = (a: InvoiceFact, b: InvoiceFact) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return Array.from({ length: invoices.length }, (_, i) => i).sort(
    (a, b) => day[a]! - day[b]! || byId(invoices[a]!, invoices[b]!),
  );
}

function entriesById(kept: readonly InvoiceFact[], slotOf: Int32Array): Map<string, number> {
  const entries = new Map<string, number>();
  kept.forEach((inv, i) => entries.set(inv.id, entries.has(inv.id) ? SHARED_ID : slotOf[i]!));
  return entries;
}

/** Where each entry's applications up to as-of start in the flat columns (n + 1 offsets, the last the total). */
function applicationOffsets(kept: readonly InvoiceFact[], slotOf: Int32Array, asOf: string): Int32Array {
  const start = new Int32Array(kept.length + 1);
  kept.forEach((inv, i) => {
    let count = 0;
    for (const a of inv.applications) if (a.date <= asOf) count++;
    start[slotOf[i]! + 1] = count;
  });
  for (let k = 1; k <= kept.length; k++) start[k]! += start[k - 1]!;
  return start;
}

function companyHistory(h: PointInTimeHistory): CompanyHistory {
  return new CompanyHistory(
    new EventLine(h.knownLateDay),
    new EventLine(h.knownOnTimeDay),
    new EventLine(h.settleDay, h.clippedDbt),
  );
}
