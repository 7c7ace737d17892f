import {
  NO_CONTROLS,
  type CreditScoreOnFile,
  type CustomerControls,
  type CustomerInputStore,
} from './customer-input-store-type.js';

const key = (realmId: string, customerId: string) => `${realmId}\u0000${customerId}`;

/** Credit scores and controls in memory. */
export class FakeCustomerInputStore implements CustomerInputStore {
  private readonly scores = new Map<string, CreditScoreOnFile & { realmId: string; customerId: string }>();
  private readonly switches = new Map<string, CustomerControls>();

  async creditScores(realmId: string, customerIds?: readonly string[]): Promise<Map<string, number>> {
    const wanted = customerIds ? new Set(customerIds) : undefined;
    return new Map(
      [...this.scores.values()]
        .filter((s) => s.realmId === realmId && (!wanted || wanted.has(s.customerId)))
        .map((s) => [s.customerId, s.score]),
    );
  }

  async creditScore(realmId: string, customerId: string): Promise<CreditScoreOnFile | null> {
    const s = this.scores.get(key(realmId, customerId));
    return s ? { score: s.score, source: s.source, updatedAt: s.updatedAt } : null;
  }

  async setCreditScore(
    realmId: string,
    customerId: string,
    score: number,
    source: 'manual' | 'import',
    at: Date,
  ): Promise<void> {
    this.scores.set(key(realmId, customerId), { realmId, customerId, score, source, updatedAt: at });
  }

  async importCreditScores(
    realmId: string,
    rows: ReadonlyArray<{ customerId: string; score: number }>,
    at: Date,
  ): Promise<void> {
    for (const r of rows) await this.setCreditScore(realmId, r.customerId, r.score, 'import', at);
  }

  async clearCreditScore(realmId: string, customerId: string): Promise<boolean> {
    return this.scores.delete(key(realmId, customerId));
  }

  async excludedCustomerIds(realmId: string): Promise<Set<string>> {
    const ids = new Set<string>();
    const prefix = key(realmId, '');
    for (const [k, c] of this.switches) if (c.excluded && k.startsWith(prefix)) ids.add(k.slice(prefix.length));
    return ids;
  }

  async pausedCustomerIds(realmId: string): Promise<Set<string>> {
    const ids = new Set<string>();
    const prefix = key(realmId, '');
    for (const [k, c] of this.switches) if (c.remindersPaused && k.startsWith(prefix)) ids.add(k.slice(prefix.length));
    return ids;
  }

  async controls(realmId: string, customerId: string): Promise<CustomerControls> {
    return { ...(this.switches.get(key(realmId, customerId)) ?? NO_CONTROLS) };
  }

  async setControls(
    realmId: string,
    customerId: string,
    change: Partial<Pick<CustomerControls, 'remindersPaused' | 'excluded'>>,
    by: string,
    at: Date,
  ): Promise<CustomerControls> {
    const current = await this.controls(realmId, customerId);
    const next = { ...current, ...change, updatedAt: at, updatedBy: by };
    this.switches.set(key(realmId, customerId), next);
    return { ...next };
  }

  async current(realmId: string, customerId: string) {
    return {
      creditScore: await this.creditScore(realmId, customerId),
      controls: await this.controls(realmId, customerId),
    };
  }
}
