import type { Container } from '../server/container.js';
import type { Company } from '../server/features/connections/connection-store-type.js';
import { localDate } from '../server/time-zone.js';
import { withJobLock } from '../server/features/jobs/with-job-lock.js';
import { effectiveNightlyTime, localTime } from '../server/features/settings/nightly-schedule.js';

type Deps = Pick<Container, 'sync' | 'risk' | 'digests' | 'locks' | 'connections' | 'clock' | 'logger' | 'config' | 'preferences'>;

/** The company's local date and HH:MM now (QBO does not report a zone; the configured default applies until set). */
export function localNow(company: Company, c: Pick<Container, 'clock' | 'config'>): { date: string; time: string } {
  const zone = company.timeZone ?? c.config.sync.defaultCompanyTimeZone;
  const now = c.clock.now();
  return { date: localDate(now, zone), time: localTime(now, zone) };
}

/**
 * The nightly run for one company: sync, then scoring (reminders join it when they land). Locked per company and
 * local date, so a restart, a second process or a manual run never repeats a night that succeeded.
 */
export async function runNightlyFor(c: Deps, company: Company, o: { force?: boolean } = {}): Promise<string> {
  const { date } = localNow(company, c);
  const lock = { job: 'nightly', bucket: `${company.realmId}:${date}`, staleAfterMs: 3 * 3600_000, rerunFinished: o.force === true };
  const locked = await withJobLock(c.locks, c.clock, lock, async () => {
    const run = await c.sync.sync(company.realmId, { trigger: 'nightly' });
    // Scores come from the local copy, so a failed sync still scores what is known (and says so).
    const scored = await c.risk.score(company.realmId, { trigger: 'nightly' });
    const digest = scored.runId === null ? 'off' : await c.digests.sendForRun(company.realmId, scored.runId);
    const summary = `${company.companyName}: sync ${run.status} (${run.mode}, ${run.apiCalls} API calls); `
      + `scored ${scored.assessment.customers.length} customers; digest ${digest.replace('_', ' ')}`;
    return { value: summary, status: run.status === 'succeeded' ? 'succeeded' : 'failed' };
  });
  return locked.acquired ? locked.value : `${company.companyName}: already done for ${date}`;
}

export const nightlyJob = {
  name: 'nightly',
  description: "Each connected company's nightly run (sync, then scoring), once per local date.",
  async run(c: Deps, o: { realmId?: string; force?: boolean } = {}): Promise<string> {
    const companies = (await c.connections.listCompanies()).filter((co) => co.status === 'connected' && (!o.realmId || co.realmId === o.realmId));
    if (companies.length === 0) return o.realmId ? `no connected company ${o.realmId}` : 'no connected companies';
    const lines: string[] = [];
    for (const company of companies) {
      try {
        lines.push(await runNightlyFor(c, company, o));
      } catch (err) {
        c.logger.error({ err, realmId: company.realmId }, 'nightly run failed');
        lines.push(`${company.companyName}: failed (${(err as Error).message})`);
      }
    }
    return lines.join('\n');
  },
};

/**
 * Runs every quarter hour: starts the nightly run of each company whose local time has reached its nightly
 * time today (its own from Settings, else NIGHTLY_LOCAL_TIME) and has not run yet for that date.
 */
export const nightlyDispatchJob = {
  name: 'nightly-dispatch',
  description: 'Start the nightly run of every company whose local nightly time has come.',
  async run(c: Deps): Promise<string> {
    const own = await c.preferences.nightlyTimes();
    const due = (await c.connections.listCompanies())
      .filter((co) => co.status === 'connected' && localNow(co, c).time >= effectiveNightlyTime(own.get(co.realmId), c.config.sync.nightlyLocalTime));
    const lines: string[] = [];
    for (const company of due) lines.push(await runNightlyFor(c, company).catch((err: Error) => `${company.companyName}: failed (${err.message})`));
    return lines.join('\n') || 'no company is due';
  },
};
