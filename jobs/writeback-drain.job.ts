import type { Container } from '../server/container.js';

/** Every minute (jobs/schedule.ts): write-back rows whose retry time has come, company by company. */
export const writebackDrainJob = {
  name: 'writeback-drain',
  description: 'Retry the writes into QuickBooks that failed transiently and are due again.',
  run(c: Pick<Container, 'writeback'>): Promise<string> {
    return c.writeback.drainDue();
  },
};
