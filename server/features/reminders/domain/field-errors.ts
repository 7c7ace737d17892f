/**
 * Validation errors a Settings form can show beside its fields: the field's path in the saved data, and a message
 * that names the field in words. The schemas carry the words; this only reads them out of zod's issues.
 */
import type { z } from 'zod';

export interface FieldError {
  /** The path in the saved data, dot-separated: 'dailyCap', 'strategies.Loyalty.stages', 'tones.firm.1.body'. */
  field: string;
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** The value the schema makes of `input`, or every error with its field. */
export function checkWith<S extends z.ZodType>(schema: S, input: unknown): Checked<z.output<S>> {
  const parsed = schema.safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}

/** The value, or an Error that names every field that is wrong (for saved data, which should never be). */
export function parseWith<S extends z.ZodType>(schema: S, what: string, input: unknown): z.output<S> {
  const checked = checkWith(schema, input);
  if (checked.ok) return checked.value;
  const messages = checked.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message));
  throw new Error(`${what} is not valid: ${messages.join(' ')}`);
}

function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.'),
    message:
      issue.code === 'unrecognized_keys' ? `Not a setting Duesense knows: ${issue.keys.join(', ')}.` : issue.message,
  }));
}
