import type { Response } from 'express';
import type { Container } from '../container.js';
import type { CustomerOverview } from '../features/sync/local-copy-reader-type.js';
import { fmt } from './view-helpers.js';

/**
 * What a customer count counts, in a sentence, so "300 customers" (QuickBooks' list, jobs included) and "278
 * customers" (the ones scored) can sit on different pages without contradicting each other. Pure.
 */
export function customerCountWords(o: CustomerOverview, rollUpJobs: boolean): string {
  if (o.all === 0) return 'No customers have been synced from QuickBooks yet.';
  const n = (count: number, one: string, many: string) => `${fmt.number(count)} ${count === 1 ? one : many}`;
  const inQbo = `${n(o.all, 'customer', 'customers')} in QuickBooks`;
  const scored = rollUpJobs ? o.all - o.jobs : o.all;
  const activeOrNot =
    o.inactive === 0
      ? scored === 1
        ? 'active'
        : 'all active'
      : `${fmt.number(scored - o.inactive)} active, ${fmt.number(o.inactive)} marked inactive in QuickBooks`;
  if (o.jobs === 0) return `${inQbo}, ${scored === 1 ? 'scored' : 'all scored'} (${activeOrNot}).`;
  if (!rollUpJobs)
    return (
      `${inQbo}, ${scored === 1 ? 'scored' : 'all scored'} (${activeOrNot}): ` +
      `the policy scores its ${n(o.jobs, 'job', 'jobs')} on their own.`
    );
  return (
    `${inQbo}: ${fmt.number(scored)} scored (${activeOrNot}) and ${n(o.jobs, 'job', 'jobs')}, ` +
    `whose invoices count under ${o.jobs === 1 ? 'its' : 'their'} parent customer.`
  );
}

/**
 * The sentence for a page, with the job roll-up of the policy a score run used (the current policy when there is
 * no run), and the overview it is made from.
 */
export async function customerCounts(
  c: Pick<Container, 'localCopy' | 'riskPolicies'>,
  realmId: string,
  o: { syncedAt: Date | null; policyVersion?: number },
): Promise<{ overview: CustomerOverview; text: string }> {
  const policyVersion = o.policyVersion;
  const [overview, policy] = await Promise.all([
    c.localCopy.customerOverview(realmId, o.syncedAt),
    policyVersion === undefined ? c.riskPolicies.policy(realmId) : c.riskPolicies.runPolicy(realmId, policyVersion),
  ]);
  return { overview, text: customerCountWords(overview, policy.rollUpJobs) };
}

/** When the company's last sync finished, as the tenant context found it for this request (null: never). */
export function syncedAt(res: Response): Date | null {
  return res.locals.connection?.lastSyncedAt ?? null;
}
