/** Intuit's retry schedule after a failed delivery (qbo-api.md §6): these delays, then every 6 hours. */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [
  10_000,
  20_000,
  30_000,
  5 * 60_000,
  20 * 60_000,
  2 * 3_600_000,
  4 * 3_600_000,
  6 * 3_600_000,
];
export const WEBHOOK_RETRY_REPEAT_MS = 6 * 3_600_000;
/** The emulator stops retrying a batch once the schedule has spent three days on it. */
export const WEBHOOK_GIVE_UP_AFTER_MS = 3 * 24 * 3_600_000;
/** Intuit expects an HTTP 200 within 3 seconds; slower counts as a failure. */
export const WEBHOOK_DELIVERY_TIMEOUT_MS = 3_000;

/**
 * The (unscaled) wait before the next attempt after failed attempt number `attempt` (1-based), or null when
 * the schedule would pass the give-up horizon.
 */
export function nextRetryDelayMs(attempt: number): number | null {
  let elapsed = 0;
  for (let i = 1; i <= attempt; i++) {
    const delay = WEBHOOK_RETRY_DELAYS_MS[i - 1] ?? WEBHOOK_RETRY_REPEAT_MS;
    elapsed += delay;
    if (elapsed > WEBHOOK_GIVE_UP_AFTER_MS) return null;
    if (i === attempt) return delay;
  }
  return null;
}
