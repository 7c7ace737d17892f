/** What the bookkeeper set on a customer: switches that keep Duesense's automatic actions away from them. */
export interface CustomerControls {
  remindersPaused: boolean;
  excluded: boolean;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export interface CreditScoreOnFile {
  score: number;
  source: string;
  updatedAt: Date;
}

export const NO_CONTROLS: Readonly<CustomerControls> = Object.freeze({
  remindersPaused: false,
  excluded: false,
  updatedAt: null,
  updatedBy: null,
});

/**
 * What Duesense's users enter about customers, not taken from QuickBooks: credit scores (customer_credit_scores)
 * and controls (customer_controls); all scoped by realm.
 */
export interface CustomerInputStore {
  /** Every credit score of the company (of these customers, when given), by customer id. */
  creditScores(realmId: string, customerIds?: readonly string[]): Promise<Map<string, number>>;
  creditScore(realmId: string, customerId: string): Promise<CreditScoreOnFile | null>;
  setCreditScore(
    realmId: string,
    customerId: string,
    score: number,
    source: 'manual' | 'import',
    at: Date,
  ): Promise<void>;
  /** All or nothing: every row is written in one transaction. */
  importCreditScores(
    realmId: string,
    rows: ReadonlyArray<{ customerId: string; score: number }>,
    at: Date,
  ): Promise<void>;
  /** True when there was one to remove. */
  clearCreditScore(realmId: string, customerId: string): Promise<boolean>;
  controls(realmId: string, customerId: string): Promise<CustomerControls>;
  setControls(
    realmId: string,
    customerId: string,
    change: Partial<Pick<CustomerControls, 'remindersPaused' | 'excluded'>>,
    by: string,
    at: Date,
  ): Promise<CustomerControls>;
  /** The customers of the company excluded from automatic actions (write-back and reminders skip them). */
  excludedCustomerIds(realmId: string): Promise<Set<string>>;
  /** The customers of the company whose reminders a person paused. */
  pausedCustomerIds(realmId: string): Promise<Set<string>>;
  /**
   * The credit score and the controls of one customer in one statement (what a customer's page reads on every view).
   */
  current(
    realmId: string,
    customerId: string,
  ): Promise<{ creditScore: CreditScoreOnFile | null; controls: CustomerControls }>;
}
