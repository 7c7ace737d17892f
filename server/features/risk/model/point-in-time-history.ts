import { dayOf } from '../domain/dates.js';
import { settledDate } from '../domain/invoice-metrics.js';
import type { InvoiceFact } from '../domain/risk-facts.js';

/**
 * When each invoice's outcome became known, so features can ask "what was known on day d" without ever
 * looking past d. An invoice is known late from due + grace + 1 if it was not settled by due + grace
 * (decided by payments up to then), known on time from its settlement day if that was within grace.
 * Only payments on or before the model's as-of date are ever read.
 */
export interface InvoiceTimeline {
  inv: InvoiceFact;
  txnDay: number;
  dueDay: number;
  /** The day open reached 0 (payments up to as-of), never before the invoice existed; undefined while open. */
  settleDay: number | undefined;
  /** Days beyond terms at settlement, clipped to [−60, 120] so one stray invoice cannot dominate a mean. */
  clippedDbt: number | undefined;
  knownLateDay: number | undefined;
  knownOnTimeDay: number | undefined;
  /** Applications up to as-of as (day, cents), in day order: open balances on any day without string dates. */
  appDays: number[];
  appCents: number[];
}

export const DBT_CLIP = { min: -60, max: 120 } as const;

export function timelineOf(inv: InvoiceFact, asOf: string, graceDays: number): InvoiceTimeline {
  const txnDay = dayOf(inv.txnDate);
  const dueDay = dayOf(inv.dueDate);
  const settled = settledDate(inv, asOf);
  const settleDay = settled === undefined ? undefined : Math.max(txnDay, dayOf(settled));
  const clippedDbt = settleDay === undefined ? undefined : Math.min(DBT_CLIP.max, Math.max(DBT_CLIP.min, settleDay - dueDay));
  const onTime = settleDay !== undefined && settleDay <= dueDay + graceDays;
  const apps = inv.applications.filter((a) => a.date <= asOf).map((a) => ({ day: dayOf(a.date), cents: a.cents })).sort((a, b) => a.day - b.day);
  return {
    inv, txnDay, dueDay, settleDay, clippedDbt, appDays: apps.map((a) => a.day), appCents: apps.map((a) => a.cents),
    knownLateDay: onTime ? undefined : Math.max(txnDay, dueDay + graceDays + 1),
    knownOnTimeDay: onTime ? settleDay : undefined,
  };
}

/** Sorted event days with running sums, answering "how many / how much up to day d" by binary search. */
class EventLine {
  private days: number[] = [];
  private cumulative: number[] = [];
  constructor(events: Array<{ day: number; value: number }>) {
    events.sort((a, b) => a.day - b.day);
    let sum = 0;
    for (const e of events) { sum += e.value; this.days.push(e.day); this.cumulative.push(sum); }
  }
  upTo(day: number): { count: number; sum: number } {
    let lo = 0;
    let hi = this.days.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.days[mid]! <= day) lo = mid + 1; else hi = mid; }
    return { count: lo, sum: lo === 0 ? 0 : this.cumulative[lo - 1]! };
  }
}

/** Pseudo-observations behind the company prior when the company itself has little history yet. */
const COMPANY_PRIOR = { lateRate: 0.3, delayDays: 5, weight: 5 } as const;

/** The company's pooled behaviour as known on day d: the prior every customer aggregate is shrunk toward. */
export class CompanyHistory {
  private late: EventLine;
  private onTime: EventLine;
  private settled: EventLine;
  constructor(timelines: readonly InvoiceTimeline[]) {
    this.late = new EventLine(timelines.flatMap((t) => (t.knownLateDay === undefined ? [] : [{ day: t.knownLateDay, value: 1 }])));
    this.onTime = new EventLine(timelines.flatMap((t) => (t.knownOnTimeDay === undefined ? [] : [{ day: t.knownOnTimeDay, value: 1 }])));
    this.settled = new EventLine(timelines.flatMap((t) => (t.settleDay === undefined ? [] : [{ day: t.settleDay, value: t.clippedDbt! }])));
  }
  lateRate(day: number): number {
    const late = this.late.upTo(day).count;
    const known = late + this.onTime.upTo(day).count;
    return (late + COMPANY_PRIOR.weight * COMPANY_PRIOR.lateRate) / (known + COMPANY_PRIOR.weight);
  }
  meanDbt(day: number): number {
    const s = this.settled.upTo(day);
    return (s.sum + COMPANY_PRIOR.weight * COMPANY_PRIOR.delayDays) / (s.count + COMPANY_PRIOR.weight);
  }
}

/** Everything the features read: per-customer timelines in issue order, and the company pool. */
export class PointInTimeHistory {
  readonly asOfDay: number;
  readonly company: CompanyHistory;
  private byCustomer = new Map<string, InvoiceTimeline[]>();
  constructor(invoices: readonly InvoiceFact[], o: { asOf: string; graceDays: number }) {
    this.asOfDay = dayOf(o.asOf);
    const timelines = invoices.filter((i) => i.totalCents > 0 && i.txnDate <= o.asOf).map((i) => timelineOf(i, o.asOf, o.graceDays));
    timelines.sort((a, b) => a.txnDay - b.txnDay || (a.inv.id < b.inv.id ? -1 : a.inv.id > b.inv.id ? 1 : 0));
    for (const t of timelines) {
      const list = this.byCustomer.get(t.inv.customerId) ?? [];
      list.push(t);
      this.byCustomer.set(t.inv.customerId, list);
    }
    this.company = new CompanyHistory(timelines);
  }
  /** The customer's timeline and how many of its entries were issued strictly before `day` (same-day ones are not yet history). */
  priorRange(customerId: string, day: number): { list: readonly InvoiceTimeline[]; end: number } {
    const list = this.byCustomer.get(customerId) ?? [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.txnDay < day) lo = mid + 1;
      else hi = mid;
    }
    return { list, end: lo };
  }
}

/** Open balance of an invoice at the end of `day`, from its numeric timeline. */
export function openOnDay(t: InvoiceTimeline, day: number): number {
  if (t.txnDay > day) return 0;
  let applied = 0;
  for (let k = 0; k < t.appDays.length && t.appDays[k]! <= day; k++) applied += t.appCents[k]!;
  return Math.max(0, t.inv.totalCents - applied);
}
