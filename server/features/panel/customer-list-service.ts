import type { CustomerListQuery, CustomerListRow, ScoreRunStore } from '../risk/score-run-store-type.js';

/** The run the customer list shows: its id, date, policy version and behavioural clusters (id → name). */
export interface ListRun {
  id: number;
  asOf: string;
  policyVersion: number;
  createdAt: Date;
  clusters: Array<{ id: number; name: string }>;
}

/**
 * The customer list of a company's latest score run: filtered, sorted and paginated by the score-run store
 * (customer_scores), which keeps recent pages and cluster names per run.
 */
export class CustomerListService {
  constructor(
    private readonly scoreRuns: Pick<ScoreRunStore, 'latestRun' | 'runClusters' | 'customerPage' | 'customerRows'>,
  ) {}

  /** The latest run with its cluster names; undefined before the first run. */
  async latestRun(realmId: string): Promise<ListRun | undefined> {
    const run = await this.scoreRuns.latestRun(realmId);
    if (!run) return undefined;
    const clusters = await this.scoreRuns.runClusters(realmId, run.id);
    return { id: run.id, asOf: run.asOf, policyVersion: run.policyVersion, createdAt: run.createdAt, clusters };
  }

  /** One page and the number of matching customers. */
  page(realmId: string, runId: number, q: CustomerListQuery): Promise<{ rows: CustomerListRow[]; total: number }> {
    return this.scoreRuns.customerPage(realmId, runId, q);
  }

  /** Every matching customer in the same order (the CSV of what is shown). */
  all(realmId: string, runId: number, q: Omit<CustomerListQuery, 'page' | 'pageSize'>): Promise<CustomerListRow[]> {
    return this.scoreRuns.customerRows(realmId, runId, q);
  }
}
