import type { Container } from '../server/container.js';

export const nightlyJob = {
  name: 'nightly',
  description: "Each connected company's nightly run (sync, scoring, write-back when on, digest), once per local date.",
  /** `actor`: who ran it by hand (the CLI's user), for the activity log; else the nightly schedule. */
  run(c: Pick<Container, 'nightly'>, o: { realmId?: string; force?: boolean; actor?: string } = {}): Promise<string> {
    return c.nightly.runAll(o);
  },
};

/** Runs every quarter hour (jobs/schedule.ts): companies whose local nightly time has come. */
export const nightlyDispatchJob = {
  name: 'nightly-dispatch',
  description: 'Start the nightly run of every company whose local nightly time has come.',
  run(c: Pick<Container, 'nightly'>): Promise<string> {
    return c.nightly.dispatchDue();
  },
};
