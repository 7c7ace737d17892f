/** Rules shared by everything that turns QBO data into the engine's facts. */

/** Each customer's top-level parent (jobs roll up; a broken or too-deep chain stops where it can). */
export function topLevelParent(parentOf: ReadonlyMap<string, string | null | undefined>): (id: string) => string {
  return (id) => {
    let current = id;
    for (let depth = 0; depth < 8; depth++) {
      const parent = parentOf.get(current);
      if (!parent || !parentOf.has(parent)) return current;
      current = parent;
    }
    return current;
  };
}

/**
 * One payment's lines: the credit-memo links fund its invoice links first, the rest is money received
 * (metrics.md: credits are applied but are not cash). Returns, per invoice link in order, both parts.
 */
export function splitPaymentLinks(
  links: ReadonlyArray<{ type: string; id: string; cents: number }>,
): Array<{ invoiceId: string; creditCents: number; cashCents: number }> {
  // Plain loops: the loader calls this for every payment of the company.
  let credits = 0;
  for (const l of links) if (l.type === 'CreditMemo') credits += l.cents;
  const parts: Array<{ invoiceId: string; creditCents: number; cashCents: number }> = [];
  for (const l of links) {
    if (l.type !== 'Invoice') continue;
    const creditCents = Math.min(l.cents, credits);
    credits -= creditCents;
    parts.push({ invoiceId: l.id, creditCents, cashCents: l.cents - creditCents });
  }
  return parts;
}
