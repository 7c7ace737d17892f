import { describe, expect, it } from 'vitest';
import { clusterCustomers, type ClusterInput } from '../../../../server/features/risk/clusters/customer-clusters.js';
import { addDaysToDate } from '../../../../server/features/risk/domain/dates.js';
import { assessCompany } from '../../../../server/features/risk/domain/assess-company.js';
import type { InvoiceFact } from '../../../../server/features/risk/domain/risk-facts.js';
import { DEFAULT_RISK_POLICY } from '../../../../server/features/risk/domain/risk-policy.js';
import { clustersTable, type ExportRun } from '../../../../server/features/risk/exports.js';
import { forecastWithOutlooks } from '../../../../server/features/risk/forecast/cash-forecast.js';
import { clusterInputs } from '../../../../server/features/risk/risk-service.js';

const size = { invoicesPerMonth: 1, avgInvoiceCents: 20_000, invoicedCents: 480_000 };
const prompt = { ...size, avgDaysBeyondTerms: -2, paymentRate: 99, lateShare: 0.05, avgLateProbability: 0.1 };
const slow = { ...size, avgDaysBeyondTerms: 60, paymentRate: 60, lateShare: 0.9, avgLateProbability: 0.3 };
const open = (notYetDueLateProbabilities: number[], pastDueNotCollectedWithin30Days: number[]) => ({
  notYetDueLateProbabilities,
  pastDueNotCollectedWithin30Days,
});

describe('cluster profiles: forward-looking chances only', () => {
  it('averages the not-yet-due late probabilities and the past-due chances over the cluster’s invoices', () => {
    const inputs: ClusterInput[] = [
      { customerId: 'p1', features: prompt, openInvoices: open([0.1, 0.2], []) },
      { customerId: 'p2', features: prompt, openInvoices: open([0.3], [0.5]) },
      { customerId: 's1', features: slow, openInvoices: open([], [0.9, 0.7]) },
      { customerId: 's2', features: slow, openInvoices: open([], []) },
    ];
    const r = clusterCustomers(inputs, { seed: 1, k: 2 });
    const of = (id: string) => r.profiles.find((p) => p.id === r.assignments.get(id))!;
    expect(of('p1')).toBe(of('p2'));
    expect(of('s1')).toBe(of('s2'));
    expect(of('p1')).toMatchObject({
      customers: 2,
      notYetDueInvoices: 3,
      pastDueInvoices: 1,
      pastDueNotCollectedWithin30Days: 0.5,
      customerLateProbability: 0.1,
    });
    expect(of('p1').notYetDueLateProbability).toBeCloseTo(0.2, 12);
    expect(of('p1').riskLevel).toBe('low');
    // Nothing coming due: no late probability; the risk level follows the customers' feature (0.3) all the same.
    expect(of('s1')).toMatchObject({
      customers: 2,
      notYetDueInvoices: 0,
      notYetDueLateProbability: null,
      pastDueInvoices: 2,
      customerLateProbability: 0.3,
    });
    expect(of('s1').riskLevel).toBe('medium');
    expect(of('s1').pastDueNotCollectedWithin30Days).toBeCloseTo(0.8, 12);
    expect(of('s1')).not.toHaveProperty('avgLateProbability');
    // The export says what each figure is, and leaves a missing one blank.
    const run = {
      runId: 1,
      asOf: '2026-10-31',
      whatIf: false,
      customers: [],
      invoices: [],
      company: { clusters: { profiles: r.profiles } },
    };
    const table = clustersTable(run as unknown as ExportRun);
    const rowOf = (id: string) => table.rows.find((x) => x[0] === r.assignments.get(id))!;
    const row = (id: string) => Object.fromEntries(table.columns.map((c, i) => [c, rowOf(id)[i]]));
    expect(row('s1')).toMatchObject({
      not_yet_due_invoices: 0,
      not_yet_due_avg_late_probability: null,
      past_due_invoices: 2,
      past_due_avg_chance_not_collected_within_30_days: 0.8,
      avg_customer_late_probability_ahead: 0.3,
      risk_level: 'medium',
    });
    expect(row('p1')).toMatchObject({
      not_yet_due_avg_late_probability: 0.2,
      past_due_avg_chance_not_collected_within_30_days: 0.5,
    });
  });

  it('the risk level is per customer: one customer with many invoices coming due does not decide it', () => {
    const inputs: ClusterInput[] = [
      {
        customerId: 'busy',
        features: { ...prompt, avgLateProbability: 0.9 },
        openInvoices: open(Array<number>(20).fill(0.9), []),
      },
      ...['q1', 'q2', 'q3'].map((customerId) => ({ customerId, features: prompt, openInvoices: open([0.1], []) })),
    ];
    const [p] = clusterCustomers(inputs, { seed: 1, k: 1 }).profiles;
    expect(p!.notYetDueLateProbability).toBeCloseTo((20 * 0.9 + 3 * 0.1) / 23, 12);
    expect(p!.customerLateProbability).toBeCloseTo((0.9 + 3 * 0.1) / 4, 12);
    expect(p!.riskLevel).toBe('medium');
  });
});

describe('clusterInputs', () => {
  const AS_OF = '2026-10-31';
  let seq = 0;
  const inv = (customerId: string, dueInDays: number, paidAfterDue: number | null): InvoiceFact => {
    const due = addDaysToDate(AS_OF, dueInDays);
    return {
      id: `c${++seq}`,
      docNumber: null,
      customerId,
      txnDate: addDaysToDate(due, -30) < AS_OF ? addDaysToDate(due, -30) : AS_OF,
      dueDate: due,
      totalCents: 10_000,
      lines: [],
      applications:
        paidAfterDue === null ? [] : [{ date: addDaysToDate(due, paidAfterDue), cents: 10_000, cash: true }],
    };
  };

  it('clusters on the late probability of not-yet-due invoices; keeps past-due ones’ chance of staying unpaid', () => {
    const history = [inv('A', -200, 5), inv('A', -150, 20), inv('A', -100, 40), inv('B', -120, 0)];
    const pastDue = inv('A', -20, null);
    const ahead = [inv('A', 10, null), inv('A', 25, null)];
    const bPastDue = inv('B', -3, null);
    const invoices = [...history, pastDue, ...ahead, bPastDue];
    const customers = ['A', 'B'].map((id) => ({ id, name: id, active: true, creditScore: null }));
    const facts = { realmId: 'r', homeCurrency: 'USD', items: new Map(), invoices, customers };
    // The model's probabilities, fixed here: a past-due invoice's (0.99) must not reach the clustering feature.
    const late = new Map([
      [pastDue.id, 0.99],
      [ahead[0]!.id, 0.2],
      [ahead[1]!.id, 0.4],
      [bPastDue.id, 0.95],
    ]);
    const a = assessCompany(facts, DEFAULT_RISK_POLICY, AS_OF, { lateProbabilities: late });
    const { outlooks } = forecastWithOutlooks(invoices, { asOf: AS_OF });
    const inputs = new Map(clusterInputs(a, outlooks, DEFAULT_RISK_POLICY.windowMonths).map((x) => [x.customerId, x]));
    expect(inputs.get('A')!.features.avgLateProbability).toBeCloseTo(0.3, 12);
    expect(inputs.get('A')!.openInvoices!.notYetDueLateProbabilities).toEqual([0.2, 0.4]);
    expect(inputs.get('A')!.openInvoices!.pastDueNotCollectedWithin30Days).toEqual([
      1 - outlooks.get(pastDue.id)!.collectedWithin30Days,
    ]);
    // B has only a past-due invoice: its recent late share stands in (0 of its 1 decided invoice was late).
    const b = a.customers.find((c) => c.customerId === 'B')!.metrics.lateOfLast10;
    expect(inputs.get('B')!.features.avgLateProbability).toBe(b.of === 0 ? 0 : b.late / b.of);
    expect(inputs.get('B')!.features.avgLateProbability).not.toBeCloseTo(0.95, 2);
    expect(inputs.get('B')!.openInvoices!.notYetDueLateProbabilities).toEqual([]);
  });
});
