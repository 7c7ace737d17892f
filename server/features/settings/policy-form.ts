import { isDeepStrictEqual } from 'node:util';
import { riskPolicySchema, type RiskPolicy } from '../risk/domain/risk-policy.js';

/**
 * The risk policy as a form: every number in the words and units a bookkeeper uses (weights and shares in
 * per cent, the balance in dollars), read back with a message in plain words for each bad field and for the
 * rules that tie fields together. The policy's own zod schema has the last word.
 */
export type PolicyDraft = Omit<RiskPolicy, 'version'>;

export const POLICY_GROUPS = ['weights', 'bands', 'highRisk', 'window', 'profitability'] as const;

/**
 * The policy's groups this form does not show: tuning kept in the policy JSON (docs/risk.md lists every field). A
 * save from the form keeps them as they are; restoring the defaults restores them too.
 */
export const JSON_ONLY_GROUPS = ['strategies', 'creditLimit', 'stability', 'clusters', 'reasons'] as const;
const JSON_ONLY_GROUP_TEXT: Record<(typeof JSON_ONLY_GROUPS)[number], string> = {
  strategies: 'strategy cells and open-invoice thresholds',
  creditLimit: 'credit-limit grace and factors',
  stability: 'score smoothing',
  clusters: 'cluster count and seed',
  reasons: 'reason thresholds and weights',
};
export type PolicyGroup = (typeof POLICY_GROUPS)[number];

/** Each group of fields on the page: its legend and what it means. */
export const POLICY_GROUP_TEXT: Record<PolicyGroup, { legend: string; help: string }> = {
  weights: {
    legend: 'Score weights',
    help: 'How much each part counts in the risk score (0 safest, 100 riskiest). They must add up to 100%.',
  },
  bands: { legend: 'Risk bands', help: 'Where the risk score turns from low to medium and from medium to high risk.' },
  highRisk: { legend: 'High-risk rule', help: 'A customer is high risk when both hold.' },
  window: { legend: 'Payment history', help: 'What the payment rate looks at.' },
  profitability: {
    legend: 'Profitability tiers',
    help: 'Which customers count as High, Medium and Low profitability.',
  },
};

interface FieldSpec {
  /** Form field name, also the input id after `policy-`. */
  name: string;
  group: PolicyGroup;
  label: string;
  /** How a change reads in the activity log: "payment-rate weight 40% → 50%". */
  inLog: string;
  unit: 'percent' | 'dollars' | 'months' | 'days' | 'points';
  min: number;
  max: number;
  /** Decimal places allowed (0: whole numbers). */
  decimals: number;
  hint: string;
  get(p: PolicyDraft): number;
}

export const POLICY_FIELDS: readonly FieldSpec[] = [
  {
    name: 'weightPaymentRate',
    group: 'weights',
    label: 'Payment rate',
    inLog: 'payment-rate weight',
    unit: 'percent',
    min: 0,
    max: 100,
    decimals: 1,
    hint: 'How much paying late or not at all counts.',
    get: (p) => p.weights.paymentRate * 100,
  },
  {
    name: 'weightCreditScore',
    group: 'weights',
    label: 'Credit (bureau or payment score)',
    inLog: 'credit-score weight',
    unit: 'percent',
    min: 0,
    max: 100,
    decimals: 1,
    hint:
      'How much a low credit score counts; without a bureau score entered, ' +
      'the payment score (how late the customer pays) stands in.',
    get: (p) => p.weights.creditScore * 100,
  },
  {
    name: 'weightStability',
    group: 'weights',
    label: 'Business stability',
    inLog: 'stability weight',
    unit: 'percent',
    min: 0,
    max: 100,
    decimals: 1,
    hint: 'How much a short or irregular billing history counts.',
    get: (p) => p.weights.stability * 100,
  },
  {
    name: 'bandMedium',
    group: 'bands',
    label: 'Medium risk from score',
    inLog: 'medium band from',
    unit: 'points',
    min: 0,
    max: 100,
    decimals: 1,
    hint: 'Scores below this are the Low risk tier.',
    get: (p) => p.bands.medium,
  },
  {
    name: 'bandHigh',
    group: 'bands',
    label: 'High risk from score',
    inLog: 'high band from',
    unit: 'points',
    min: 0,
    max: 100,
    decimals: 1,
    hint: 'Scores from this up are the High risk tier, as is every customer who meets the high-risk rule below.',
    get: (p) => p.bands.high,
  },
  {
    name: 'highRiskPaymentRateBelow',
    group: 'highRisk',
    label: 'Payment rate below',
    inLog: 'high-risk payment rate below',
    unit: 'percent',
    min: 0,
    max: 100,
    decimals: 1,
    hint: 'Share of what fell due that was paid, over the window.',
    get: (p) => p.highRisk.paymentRateBelow,
  },
  {
    name: 'highRiskBalanceAbove',
    group: 'highRisk',
    label: 'and outstanding balance above',
    inLog: 'high-risk balance above',
    unit: 'dollars',
    min: 0,
    max: 1_000_000_000,
    decimals: 2,
    hint: 'In dollars, e.g. 15000.',
    get: (p) => p.highRisk.balanceAboveCents / 100,
  },
  {
    name: 'windowMonths',
    group: 'window',
    label: 'Window',
    inLog: 'window',
    unit: 'months',
    min: 3,
    max: 60,
    decimals: 0,
    hint: 'How many months of invoices the payment rate and gross profit look at (3 to 60).',
    get: (p) => p.windowMonths,
  },
  {
    name: 'graceDays',
    group: 'window',
    label: 'Grace',
    inLog: 'grace',
    unit: 'days',
    min: 0,
    max: 60,
    decimals: 0,
    hint: 'Days after the due date a payment still counts as on time (0 to 60).',
    get: (p) => p.graceDays,
  },
  {
    name: 'profitHighShare',
    group: 'profitability',
    label: 'High: the top',
    inLog: 'High profitability tier',
    unit: 'percent',
    min: 1,
    max: 98,
    decimals: 1,
    hint: 'Share of customers with positive gross profit, ranked by it.',
    get: (p) => p.profitability.highShare * 100,
  },
  {
    name: 'profitMediumShare',
    group: 'profitability',
    label: 'Medium: the next',
    inLog: 'Medium profitability tier',
    unit: 'percent',
    min: 1,
    max: 98,
    decimals: 1,
    hint: 'The rest, and every customer at or below zero, is Low.',
    get: (p) => p.profitability.mediumShare * 100,
  },
];

/** The unit a field's label names: "Payment rate (%)". */
export const UNIT_LABELS: Record<FieldSpec['unit'], string> = {
  percent: '%',
  dollars: '$',
  months: 'months',
  days: 'days',
  points: '',
};

export type PolicyValues = Record<string, string> & { rollUpJobs: string };
export interface PolicyForm {
  values: PolicyValues;
  /** Per field name, per group (`group:weights`), and `form` for what fits neither. */
  errors: Record<string, string>;
}

const UNIT_WORDS: Record<FieldSpec['unit'], string> = {
  percent: '%',
  dollars: '',
  months: ' months',
  days: ' days',
  points: '',
};
const round = (n: number, decimals: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;

/** A value as the form and the log show it: "40%", "$15,000", "24 months". */
export function formatValue(f: FieldSpec, n: number): string {
  const r = round(n, f.decimals);
  if (f.unit === 'dollars') return `$${r.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
  return `${r.toLocaleString('en-US', { maximumFractionDigits: f.decimals })}${UNIT_WORDS[f.unit]}`;
}

/** What the form shows for a policy (plain numbers, no separators, so they read back exactly). */
export function policyToValues(p: PolicyDraft): PolicyValues {
  const values: Record<string, string> = {};
  for (const f of POLICY_FIELDS) values[f.name] = String(round(f.get(p), f.decimals));
  return { ...values, rollUpJobs: p.rollUpJobs ? '1' : '' };
}

const MAX_INPUT = 40;

function readNumber(f: FieldSpec, raw: string): { value?: number; error?: string } {
  const range = `from ${formatValue(f, f.min)} to ${formatValue(f, f.max)}`;
  const what = f.decimals === 0 ? 'a whole number' : f.decimals === 2 ? 'an amount' : 'a number';
  if (raw === '') return { error: `Enter ${what} ${range}.` };
  const cleaned = raw
    .replace(/^\$/, '')
    .replace(/%$/, '')
    .replace(/,(?=\d{3}(\D|$))/g, '')
    .trim();
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return { error: `"${raw}" is not a number: enter ${what} ${range}.` };
  const decimals = cleaned.split('.')[1]?.length ?? 0;
  if (decimals > f.decimals)
    return {
      error:
        f.decimals === 0
          ? `Enter a whole number ${range}, without decimals.`
          : `Use at most ${f.decimals} decimal place${f.decimals === 1 ? '' : 's'}.`,
    };
  const value = Number(cleaned);
  if (value < f.min || value > f.max)
    return { error: `${formatValue(f, value)} is out of range: enter ${what} ${range}.` };
  return { value };
}

/**
 * Reads a posted policy form over the current policy `base`. Returns the draft only when every field and every rule
 * holds; otherwise the user's values as typed, with a message per bad field or rule. What the form does not show
 * (JSON_ONLY_GROUPS) is carried over from `base` unchanged.
 */
export function parsePolicyForm(
  body: Record<string, unknown>,
  base: PolicyDraft,
): PolicyForm & { draft?: PolicyDraft } {
  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  const n: Record<string, number> = {};
  for (const f of POLICY_FIELDS) {
    const raw = body[f.name];
    const text = typeof raw === 'string' ? raw.trim().slice(0, MAX_INPUT) : '';
    values[f.name] = text;
    if (raw !== undefined && typeof raw !== 'string') {
      errors[f.name] = 'Give this value once.';
      continue;
    }
    const r = readNumber(f, text);
    if (r.error) errors[f.name] = r.error;
    else n[f.name] = r.value!;
  }
  const rollUp = body.rollUpJobs;
  const form: PolicyValues = { ...values, rollUpJobs: rollUp === '1' || rollUp === 'on' ? '1' : '' };
  const has = (...names: string[]) => names.every((x) => n[x] !== undefined);

  if (has('weightPaymentRate', 'weightCreditScore', 'weightStability')) {
    const sum = round(n.weightPaymentRate! + n.weightCreditScore! + n.weightStability!, 1);
    if (Math.abs(sum - 100) > 1e-9)
      errors['group:weights'] = `The three weights add up to ${sum}%: they must add up to exactly 100%.`;
  }
  if (has('bandMedium', 'bandHigh') && !(n.bandMedium! < n.bandHigh!)) {
    errors['group:bands'] = `Medium risk must start below high risk: ${n.bandMedium} is not below ${n.bandHigh}.`;
  }
  if (has('profitHighShare', 'profitMediumShare')) {
    const sum = round(n.profitHighShare! + n.profitMediumShare!, 1);
    if (sum >= 100)
      errors['group:profitability'] =
        `High and Medium together take ${sum}% of customers: keep them under 100% so some are left for Low.`;
  }
  if (Object.keys(errors).length > 0) return { values: form, errors };

  const draft: PolicyDraft = {
    ...base,
    windowMonths: n.windowMonths!,
    graceDays: n.graceDays!,
    rollUpJobs: form.rollUpJobs === '1',
    weights: {
      paymentRate: round(n.weightPaymentRate! / 100, 4),
      creditScore: round(n.weightCreditScore! / 100, 4),
      stability: round(n.weightStability! / 100, 4),
    },
    highRisk: {
      paymentRateBelow: n.highRiskPaymentRateBelow!,
      balanceAboveCents: Math.round(n.highRiskBalanceAbove! * 100),
    },
    bands: { medium: n.bandMedium!, high: n.bandHigh! },
    profitability: { highShare: round(n.profitHighShare! / 100, 4), mediumShare: round(n.profitMediumShare! / 100, 4) },
  };
  // The schema is the policy's own rule book; the checks above should leave it nothing to find.
  const checked = riskPolicySchema.safeParse({ ...draft, version: 1 });
  if (!checked.success)
    return {
      values: form,
      errors: {
        form:
          'The policy was not saved: ' +
          `${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
      },
    };
  return { values: form, errors, draft };
}

/** What changed between two policies, one phrase per setting: "payment-rate weight 40% → 50%". */
export function policyChanges(before: PolicyDraft, after: PolicyDraft): string[] {
  const changes: string[] = [];
  for (const f of POLICY_FIELDS) {
    const a = formatValue(f, f.get(before));
    const b = formatValue(f, f.get(after));
    if (a !== b) changes.push(`${f.inLog} ${a} → ${b}`);
  }
  if (before.rollUpJobs !== after.rollUpJobs)
    changes.push(after.rollUpJobs ? 'jobs now roll up into their parent customer' : 'jobs are now scored on their own');
  for (const g of JSON_ONLY_GROUPS) {
    if (!isDeepStrictEqual(before[g], after[g])) changes.push(`${JSON_ONLY_GROUP_TEXT[g]} changed`);
  }
  return changes;
}

/** A policy in words, group by group: "Score weights: Payment rate 40%, Credit score 40%, Business stability 20%". */
export function describePolicy(p: PolicyDraft): string[] {
  return POLICY_GROUPS.map(
    (g) =>
      `${POLICY_GROUP_TEXT[g].legend}: ${POLICY_FIELDS.filter((f) => f.group === g)
        .map((f) => `${f.label} ${formatValue(f, f.get(p))}`)
        .join(', ')}`,
  ).concat(p.rollUpJobs ? 'Jobs roll up into their parent customer' : 'Jobs are scored on their own');
}

/** A policy without its version, for comparing and saving. */
export function draftOf(p: RiskPolicy): PolicyDraft {
  const { version: _version, ...draft } = p;
  return draft;
}
