/** A bureau credit score (FICO, VantageScore 3 and later) runs from 300 to 850; the engine accepts nothing else. */
export const CREDIT_SCORE_MIN = 300;
export const CREDIT_SCORE_MAX = 850;
/** How forms, the CSV import and the CLI describe a valid score. */
export const CREDIT_SCORE_RULE = `a whole number from ${CREDIT_SCORE_MIN} to ${CREDIT_SCORE_MAX}`;

/** The score a user typed (digits only, surrounding spaces ignored), or undefined when it is not a credit score. */
export function readCreditScore(text: string): number | undefined {
  const digits = text.trim();
  if (!/^\d{1,6}$/.test(digits)) return undefined;
  const score = Number(digits);
  return score >= CREDIT_SCORE_MIN && score <= CREDIT_SCORE_MAX ? score : undefined;
}
