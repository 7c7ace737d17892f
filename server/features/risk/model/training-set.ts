import { NEVER, type PointInTimeHistory } from './point-in-time-history.js';

/**
 * The history's entries whose outcome is decided at as-of: due + grace strictly before as-of (by then it was
 * either settled within grace or it is late, whatever happens next). Selecting on the due date alone, not on
 * "settled yet", keeps the recent end unbiased: early payers are not admitted ahead of the slow ones.
 * Zero totals (voids) are not in the history. Oldest first (ties by id) for time-ordered splits; late is
 * isLate() at as-of: settled more than grace days after due, or still open that late.
 */
export function decidedEntries(history: PointInTimeHistory): { entries: Int32Array; late: Uint8Array } {
  const { asOfDay, graceDays, dueDay, paidDay } = history;
  const entries = history.issueOrder.filter((k) => dueDay[k]! + graceDays < asOfDay);
  const late = entries.map((k) => {
    const dbt =
      paidDay[k] !== NEVER ? paidDay[k]! - dueDay[k]! : asOfDay > dueDay[k]! ? asOfDay - dueDay[k]! : undefined;
    return dbt !== undefined && dbt > graceDays ? 1 : 0;
  });
  return { entries, late: Uint8Array.from(late) };
}

export function hasBothClasses(labels: ArrayLike<number>): boolean {
  let zero = false;
  let one = false;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 0) zero = true;
    else if (labels[i] === 1) one = true;
  }
  return zero && one;
}
