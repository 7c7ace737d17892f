import { describe, expect, it } from 'vitest';
import { invoiceNoteLineProblem } from '../../../server/features/writeback/domain/invoice-note.js';
import { companyContact, replyToOf } from '../../../server/features/reminders/reminder-texts.js';
import { invoiceNoteLine, invoicesInWords, stageInNote } from '../../../server/features/reminders/reminder-words.js';

describe('the email channel’s words', () => {
  it('writes the invoice note line in the form the write-back outbox takes', () => {
    const line = invoiceNoteLine('2026-12-07', { stageDays: 7, tone: 'firm' }, ['a@b.com']);
    expect(line).toBe('2026-12-07 Duesense reminder (+7 days, firm) emailed to a@b.com');
    expect(invoiceNoteLineProblem(line)).toBeUndefined();
    expect(invoiceNoteLine('2026-12-07', { stageDays: -3, tone: 'friendly' }, ['a@b.com', 'c@d.com'])).toBe(
      '2026-12-07 Duesense reminder (-3 days, friendly) emailed to a@b.com, c@d.com',
    );
    expect(invoiceNoteLine('2026-12-07', { stageDays: null, tone: 'final' }, ['a@b.com'])).toBe(
      '2026-12-07 Duesense reminder (sent by hand, final notice) emailed to a@b.com',
    );
    expect([0, 1, -1].map(stageInNote)).toEqual(['due date', '+1 day', '-1 day']);
  });

  it('keeps a note line within 200 characters: addresses that do not fit are counted', () => {
    const many = Array.from({ length: 12 }, (_, i) => `accounts.payable.${i}@a-long-customer-domain.example.com`);
    const line = invoiceNoteLine('2026-12-07', { stageDays: 14, tone: 'firm' }, many);
    expect(line.length).toBeLessThanOrEqual(200);
    expect(line).toMatch(/emailed to accounts\.payable\.0@.* and \d+ more$/);
    expect(invoiceNoteLineProblem(line)).toBeUndefined();
    const huge = invoiceNoteLine('2026-12-07', { stageDays: 14, tone: 'firm' }, [`${'x'.repeat(250)}@a.com`]);
    expect(huge.length).toBeLessThanOrEqual(200);
    expect(invoiceNoteLineProblem(huge)).toBeUndefined();
  });

  it('takes the company’s name and email from CompanyInfo for Reply-To; none without an address', () => {
    const info = { CompanyName: 'Fixture "Best" Landscaping', Email: { Address: 'books@fixture.test' } };
    const contact = companyContact(info, 'Fallback');
    expect(contact).toEqual({ name: 'Fixture "Best" Landscaping', email: 'books@fixture.test' });
    expect(replyToOf(contact)).toBe('"Fixture Best Landscaping" <books@fixture.test>');
    expect(companyContact({ CompanyName: 'X' }, 'Fallback')).toEqual({ name: 'X', email: null });
    expect(companyContact(undefined, 'Fallback')).toEqual({ name: 'Fallback', email: null });
    expect(companyContact({ Email: { Address: 'not an address' } }, 'F').email).toBeNull();
    expect(replyToOf({ name: 'X', email: null })).toBeUndefined();
  });

  it('names the invoices of one email', () => {
    const r = (n: string) => ({ docNumber: n, invoiceId: `id${n}` });
    expect(invoicesInWords([r('1042')])).toBe('invoice 1042');
    expect(invoicesInWords([r('1042'), r('1050')])).toBe('invoices 1042 and 1050');
    expect(invoicesInWords([r('1'), r('2'), r('3')])).toBe('invoices 1, 2 and 3');
  });
});
