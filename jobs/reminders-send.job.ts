import type { Container } from '../server/container.js';

/**
 * Every five minutes (jobs/schedule.ts): reminders approved since the last run, and sends a dead process left
 * unresolved (reconciled against QuickBooks before anything is sent again), company by company.
 */
export const remindersSendJob = {
  name: 'reminders-send',
  description: 'Send the approved reminders and settle sends a stopped process left unresolved.',
  run(c: Pick<Container, 'reminders'>): Promise<string> {
    return c.reminders.sendDue();
  },
};
