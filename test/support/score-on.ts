import type { ManualClock } from '../../server/clock.js';
import type { Container } from '../../server/container.js';
import type { ScoreResult } from '../../server/features/risk/risk-service.js';

/**
 * Scores as of `asOf` as a live (saved) run: only a run as of today is saved, so the clock is moved to noon UTC
 * of that date (the same date in every zone within 11 hours of UTC) for the run, and back after.
 */
export async function scoreOn(
  c: Pick<Container, 'risk'>,
  clock: ManualClock,
  realmId: string,
  asOf: string,
  o: { trigger?: string } = {},
): Promise<ScoreResult> {
  const was = clock.now();
  clock.set(`${asOf}T12:00:00Z`);
  try {
    return await c.risk.score(realmId, { asOf, ...o });
  } finally {
    clock.set(was);
  }
}
