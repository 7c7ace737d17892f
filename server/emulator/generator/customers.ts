import { ARCHETYPE_MIX, drawHabit, type PayingHabit } from './archetypes.js';
import { CUSTOMER_TYPES, TERMS } from './catalog.js';
import { businessNames, jobName } from './names.js';
import type { Rng } from '../../random.js';

export interface GeneratedCustomer {
  id: string;
  name: string;
  habit: PayingHabit;
  parentId: string | undefined;
  active: boolean;
  termId: string;
  dueDays: number;
  typeId: string;
  currency: 'USD' | 'CAD' | 'EUR';
  /** Home-currency value of one unit of the customer's currency. */
  exchangeRate: number;
  /** Expected invoices per month. */
  monthlyRate: number;
  /** Typical invoice size (cents, in the customer's currency). */
  typicalCents: number;
  /** Items this customer usually buys (drives its gross margin). */
  itemIds: string[];
  firstDay: number;
  lastDay: number;
}

const RATES = { USD: 1, CAD: 0.73, EUR: 1.08 } as const;

/**
 * Customers with a paying habit, a size and a product mix. About 8% are jobs of an earlier customer
 * (billed with their parent), 5% inactive (their business ended long ago), 3% in a foreign currency.
 */
export function generateCustomers(
  rng: Rng,
  count: number,
  o: { firstDay: number; asOfDay: number; invoicesPerCustomerMonth: number },
): GeneratedCustomer[] {
  const names = businessNames(rng, count);
  const customers: GeneratedCustomer[] = [];
  const span = o.asOfDay - o.firstDay;
  for (let i = 0; i < count; i++) {
    const parent = i > 10 && rng.chance(0.08) ? customers[rng.int(0, customers.length - 1)] : undefined;
    const root = parent?.parentId ? customers[Number(parent.parentId) - 1] : parent;
    const inactive = !root && rng.chance(0.05);
    // QBO will not let a customer with an open balance be made inactive, so closed accounts were settled.
    const drawn = root ? root.habit.archetype : rng.weighted(ARCHETYPE_MIX);
    const archetype = inactive && drawn === 'defaulter' ? 'chronic_late' : drawn;
    const term = rng.weighted(TERMS.map((t) => [t, t.dueDays === 30 ? 5 : t.dueDays === 15 ? 2 : 1] as const));
    const currency = !root && rng.chance(0.03) ? rng.pick(['CAD', 'EUR'] as const) : (root?.currency ?? 'USD');
    // Most customers have been around for the whole history; some arrived later.
    const firstDay = rng.chance(0.7) ? o.firstDay : o.firstDay + rng.int(0, Math.floor(span * 0.8));
    const lastDay = inactive ? Math.min(o.asOfDay - 200, firstDay + rng.int(60, 300)) : o.asOfDay;
    const size = Math.exp(rng.normal(0, 0.6));
    customers.push({
      id: String(i + 1),
      name: root ? jobName(rng, i) : names[i]!,
      habit: root ? { ...root.habit, offsetDays: root.habit.offsetDays + rng.normal(0, 1) } : drawHabit(rng, archetype),
      parentId: root?.id,
      active: !inactive,
      termId: root?.termId ?? term.id,
      dueDays: root?.dueDays ?? term.dueDays,
      typeId: rng.pick(CUSTOMER_TYPES).id,
      currency,
      exchangeRate: RATES[currency],
      monthlyRate: o.invoicesPerCustomerMonth * Math.min(4, 0.45 + size * 0.65),
      // The risky accounts are often the big ones: that is what makes them worth finding.
      typicalCents:
        Math.round(
          (60_000 *
            (archetype === 'defaulter' || archetype === 'chronic_late' ? 1.8 : 1) *
            Math.exp(rng.normal(0, 0.35))) /
            100,
        ) * 100,
      itemIds: rng.chance(0.5) ? ['1', '2', '3', '4', '5', '10'] : ['6', '7', '8', '9', '2'],
      firstDay,
      lastDay: Math.max(firstDay + 1, lastDay),
    });
  }
  return customers;
}
