import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../../server/features/risk/domain/risk-policy.js';
import {
  BASIS_MAX,
  BLOCK_START,
  NOTES_LIMIT,
  RISK_TIERS,
  blockBasis,
  blockForms,
  blockLabel,
  mergeNotesBlock,
  notesLength,
  readNotesBlock,
  removeNotesBlock,
  renderFullBlock,
  type LabelPart,
  type RiskLabel,
  type ShownLabel,
} from '../../../server/features/writeback/domain/notes-block.js';
import { userNotes } from '../../support/notes-arbitraries.js';

const label = (o: Partial<RiskLabel> = {}): RiskLabel => ({
  riskTier: 'High',
  strategy: 'Credit restriction',
  creditLimit: { cents: 1_250_000, currency: 'USD' },
  asOf: '2026-01-31',
  basis: 'average monthly billing x 45 days, halved for high risk',
  creditHold: true,
  ...o,
});

/** The label a block shows when its form left `omitted` out. */
function shown(l: RiskLabel, omitted: readonly LabelPart[]): ShownLabel {
  const s: ShownLabel = { ...blockLabel(l) };
  for (const part of omitted) delete s[part];
  return s;
}

const codePoints = (text: string) => [...text].length;
const blocksIn = (notes: string) => notes.split('\n').filter((line) => line === BLOCK_START).length;

function merged(notes: string, l: RiskLabel = label()): string {
  return mergeNotesBlock(notes, l).notes;
}

describe('the Duesense block', () => {
  it('When the label is rendered in full, then it shows every part between the delimiters', () => {
    const lines = renderFullBlock(label()).split('\n');
    expect(lines.slice(0, -1)).toEqual([
      '--- Duesense risk (updated automatically) ---',
      'Risk tier: High',
      'Credit hold: yes',
      'Strategy: Credit restriction',
      'Recommended credit limit: USD 12,500.00 as of 2026-01-31',
      'Basis: average monthly billing x 45 days, halved for high risk',
    ]);
    // Golden: FNV-1a of the lines between the delimiters. A change here makes every block already in QuickBooks
    // read as edited, so the format must not change without a migration.
    expect(lines.at(-1)).toBe('--- end Duesense (check fac76379) ---');
  });

  it('When the forms get shorter, then each leaves out one more part, the basis first and the limit last', () => {
    const forms = blockForms(label({ creditHold: false }));
    expect(forms.map((f) => f.omitted)).toEqual([
      [],
      ['basis'],
      ['basis', 'strategy'],
      ['basis', 'strategy', 'asOf'],
      ['basis', 'strategy', 'asOf', 'creditLimit'],
    ]);
    for (let i = 1; i < forms.length; i++) expect(forms[i]!.block.length).toBeLessThan(forms[i - 1]!.block.length);
    expect(forms.at(-1)!.block.split('\n').slice(1, -1)).toEqual(['Risk tier: High']);
    expect(forms[3]!.block).toContain('Recommended credit limit: USD 12,500.00\n');
  });

  it('When amounts are small, large or zero, then they are written with two decimals and thousands separators', () => {
    const limitLine = (cents: number) =>
      renderFullBlock(label({ creditLimit: { cents, currency: 'EUR' } }))
        .split('\n')
        .find((l) => l.startsWith('Recommended'));
    expect(limitLine(0)).toBe('Recommended credit limit: EUR 0.00 as of 2026-01-31');
    expect(limitLine(5)).toBe('Recommended credit limit: EUR 0.05 as of 2026-01-31');
    expect(limitLine(123_456_789)).toBe('Recommended credit limit: EUR 1,234,567.89 as of 2026-01-31');
  });

  it('When the basis has line breaks, control characters or is long, then the block shows it on one short line', () => {
    expect(blockBasis('  three\r\nmonths\tof\u0007 billing  ')).toBe('three months of billing');
    expect(blockBasis('')).toBe('not stated');
    const long = blockBasis('😀'.repeat(80));
    expect(long.length).toBeLessThanOrEqual(BASIS_MAX);
    expect(long.endsWith('...')).toBe(true);
    expect(long).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('When a label is not one a block can carry, then rendering it throws', () => {
    expect(() => renderFullBlock(label({ creditLimit: { cents: -1, currency: 'USD' } }))).toThrow(RangeError);
    expect(() => renderFullBlock(label({ creditLimit: { cents: 1.5, currency: 'USD' } }))).toThrow(RangeError);
    expect(() => renderFullBlock(label({ creditLimit: { cents: 1, currency: 'usd' } }))).toThrow(RangeError);
    expect(() => renderFullBlock(label({ asOf: '2026-02-30' }))).toThrow(RangeError);
  });
});

describe('merging the block into Notes', () => {
  const block = renderFullBlock(label());

  it('When Notes are empty, then they become the block alone, and removing it gives back the empty string', () => {
    expect(merged('')).toBe(block);
    expect(removeNotesBlock(block)).toEqual({ outcome: 'removed', notes: '' });
  });

  it.each([
    ['no final line break', 'Call before shipping.'],
    ['a final line break', 'Call before shipping.\n'],
    ['Windows line breaks', 'Line one\r\nLine two\r\n'],
    ['trailing spaces', 'Net 30 agreed   \n  \t'],
    ['unicode', 'Zahlungsziel 30 Tage · 支払い 😀👩‍👩‍👧 é'],
    ['only line breaks', '\n\n'],
    ['a lone surrogate', 'broken \uD83D text'],
  ])('When the user text has %s, then it is kept byte for byte above one blank line and the block', (_, text) => {
    const notes = merged(text);
    expect(notes).toBe(`${text}\n\n${block}`);
    expect(removeNotesBlock(notes).notes).toBe(text);
    expect(readNotesBlock(notes)).toMatchObject({ state: 'ours', userText: text });
  });

  it('When Notes already carry an older block, then it is replaced, never duplicated', () => {
    const old = merged('Own note', label({ riskTier: 'Low', strategy: 'Loyalty', creditHold: false }));
    const next = mergeNotesBlock(old, label());
    expect(next).toMatchObject({ outcome: 'labelled', changed: true, omitted: [] });
    expect(next.notes).toBe(`Own note\n\n${block}`);
    expect(blocksIn(next.notes)).toBe(1);
  });

  it('When the label is unchanged, then the merge changes nothing, so a second run writes nothing', () => {
    const once = merged('Own note');
    expect(mergeNotesBlock(once, label())).toEqual({ outcome: 'labelled', notes: once, changed: false, omitted: [] });
  });

  it('When a person typed below our block, then the block is replaced in place and their text after it is kept', () => {
    const notes = `${merged('Above')}\nTyped below later\n`;
    const next = mergeNotesBlock(notes, label({ riskTier: 'Medium' }));
    expect(next.notes).toBe(`Above\n\n${renderFullBlock(label({ riskTier: 'Medium' }))}\nTyped below later\n`);
    expect(removeNotesBlock(next.notes).notes).toBe('Above\nTyped below later\n');
  });

  it.each([
    ['the start line alone', `${BLOCK_START}\nmine`],
    ['the end line alone', 'mine\n--- end Duesense (check 0123abcd) ---'],
    ['indented delimiters', ` ${BLOCK_START}\nRisk tier: Low\n --- end Duesense (check 0123abcd) ---`],
    [
      'delimiters with Windows line breaks',
      `${BLOCK_START}\r\nRisk tier: Low\r\n--- end Duesense (check 0123abcd) ---`,
    ],
    ['an end line without a check', `${BLOCK_START}\nRisk tier: Low\n--- end Duesense ---`],
    ['the end line first', `--- end Duesense (check 0123abcd) ---\n${BLOCK_START}`],
  ])('When the user text holds look-alike delimiters (%s), then it stays theirs and our block follows', (_, text) => {
    expect(readNotesBlock(text).state).toBe('absent');
    const notes = merged(text);
    expect(notes).toBe(`${text}\n\n${block}`);
    expect(removeNotesBlock(notes).notes).toBe(text);
  });

  it('When the user text holds an exact copy of our start and end lines, then Notes are kept as they are', () => {
    const text = `Pasted:\n${BLOCK_START}\nmy own words\n--- end Duesense (check 0123abcd) ---\nmore`;
    expect(readNotesBlock(text)).toMatchObject({ state: 'edited', userText: text });
    expect(mergeNotesBlock(text, label())).toEqual({ outcome: 'edited-block-kept', notes: text, changed: false });
    expect(removeNotesBlock(text)).toEqual({ outcome: 'edited-block-kept', notes: text });
  });

  it('When a person edited inside our block, then it is noticed and kept unless replacing is asked for', () => {
    const ours = merged('Own note');
    const edited = ours.replace('Risk tier: High', 'Risk tier: Low');
    expect(readNotesBlock(edited)).toMatchObject({ state: 'edited', userText: edited });
    expect(mergeNotesBlock(edited, label())).toMatchObject({ outcome: 'edited-block-kept', notes: edited });
    expect(mergeNotesBlock(edited, label(), { editedBlock: 'replace' }).notes).toBe(ours);
    expect(removeNotesBlock(edited, { editedBlock: 'replace' }).notes).toBe('Own note');
  });

  it('When a person removed the blank line above our block, then the block counts as edited', () => {
    const notes = `Own note\n${block}`;
    expect(readNotesBlock(notes).state).toBe('edited');
    expect(readNotesBlock(`\n\n${block}`).state).toBe('edited');
    expect(mergeNotesBlock(notes, label(), { editedBlock: 'replace' }).notes).toBe(`Own note\n\n${block}`);
  });

  it('When the user text holds a whole copied block above ours, then ours, the last, is the one replaced', () => {
    const copy = renderFullBlock(label({ riskTier: 'Low', creditHold: false }));
    const notes = `Pasted from Acme:\n\n${copy}\nend of paste\n\n${renderFullBlock(label())}`;
    const next = merged(notes, label({ riskTier: 'Medium' }));
    expect(next).toBe(
      `Pasted from Acme:\n\n${copy}\nend of paste\n\n${renderFullBlock(label({ riskTier: 'Medium' }))}`,
    );
  });

  it('When the user text holds an exact copy of a whole block, then it is taken for ours (the known limit)', () => {
    const copied = merged('From another customer', label({ riskTier: 'Low' }));
    expect(readNotesBlock(copied)).toMatchObject({ state: 'ours', userText: 'From another customer' });
    expect(merged(copied)).toBe(merged('From another customer'));
  });

  it('When the user text leaves room for only a shorter form, then that form goes in, naming what it left out', () => {
    const forms = blockForms(label());
    forms.forEach((form, i) => {
      const text = 'x'.repeat(NOTES_LIMIT - 2 - form.block.length);
      const result = mergeNotesBlock(text, label());
      expect(result).toEqual({
        outcome: 'labelled',
        notes: `${text}\n\n${form.block}`,
        changed: true,
        omitted: form.omitted,
      });
      expect(result.notes.length).toBe(NOTES_LIMIT);
      expect(readNotesBlock(result.notes)).toMatchObject({ label: shown(label(), forms[i]!.omitted) });
    });
  });

  it('When no form fits, then Notes are exactly the user text, and an old block is taken out', () => {
    const shortest = blockForms(label()).at(-1)!.block;
    const text = 'y'.repeat(NOTES_LIMIT - 2 - shortest.length + 1);
    expect(mergeNotesBlock(text, label())).toEqual({ outcome: 'no-room', notes: text, changed: false });
    const withOld = `${text.slice(0, 500)}\n\n${renderFullBlock(label())}`;
    const longer = withOld.replace(text.slice(0, 500), text);
    expect(mergeNotesBlock(longer, label())).toEqual({ outcome: 'no-room', notes: text, changed: true });
  });

  it('When the user text is already over the limit, then nothing is added', () => {
    const text = 'z'.repeat(NOTES_LIMIT + 10);
    expect(mergeNotesBlock(text, label())).toEqual({ outcome: 'no-room', notes: text, changed: false });
  });

  it('When the user text is emoji, then the limit is counted in UTF-16 code units, the stricter reading', () => {
    const text = '😀'.repeat(450); // 450 code points, 900 code units
    const result = mergeNotesBlock(text, label());
    expect(notesLength(result.notes)).toBeLessThanOrEqual(NOTES_LIMIT);
    expect(result.notes.length).toBeLessThanOrEqual(NOTES_LIMIT);
    expect(result).toMatchObject({ outcome: 'labelled' });
    expect((result as { omitted: LabelPart[] }).omitted.length).toBeGreaterThan(0);
  });
});

describe('properties of merge, read and remove', () => {
  const RUNS = { numRuns: 500, seed: 20_260_131 };

  /** Arbitrary user text up to 1,024 code units: unicode pieces, line breaks, look-alike delimiters, long runs. */
  const userText = userNotes({ pieces: 12, pieceLength: 40 });

  const riskLabel: fc.Arbitrary<RiskLabel> = fc.record({
    riskTier: fc.constantFrom(...RISK_TIERS),
    strategy: fc.constantFrom(...STRATEGIES),
    creditLimit: fc.record({
      cents: fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.maxSafeNat()),
      currency: fc.constantFrom('USD', 'CAD', 'GBP', 'EUR', 'AUD'),
    }),
    asOf: fc
      .integer({ min: 0, max: 3650 })
      .map((d) => new Date(Date.UTC(2020, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)),
    basis: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 150 }), fc.string({ unit: 'binary', maxLength: 30 })),
    creditHold: fc.boolean(),
  });

  it('removing the block after a merge gives back the user text exactly', () => {
    fc.assert(
      fc.property(userText, riskLabel, (text, l) => {
        expect(removeNotesBlock(mergeNotesBlock(text, l).notes).notes).toBe(text);
      }),
      RUNS,
    );
  });

  it('merging twice is merging the second label once', () => {
    fc.assert(
      fc.property(userText, riskLabel, riskLabel, (text, a, b) => {
        const twice = mergeNotesBlock(mergeNotesBlock(text, a).notes, b);
        const once = mergeNotesBlock(text, b);
        expect(twice.notes).toBe(once.notes);
        expect(twice.outcome).toBe(once.outcome);
      }),
      RUNS,
    );
  });

  it('the result never exceeds the limit in code units or code points, and uses the longest form that fits', () => {
    fc.assert(
      fc.property(userText, riskLabel, (text, l) => {
        const result = mergeNotesBlock(text, l);
        expect(notesLength(result.notes)).toBeLessThanOrEqual(NOTES_LIMIT);
        expect(result.notes.length).toBeLessThanOrEqual(NOTES_LIMIT);
        expect(codePoints(result.notes)).toBeLessThanOrEqual(NOTES_LIMIT);
        const forms = blockForms(l);
        const room = NOTES_LIMIT - text.length - (text === '' ? 0 : 2);
        if (result.outcome === 'labelled') {
          const chosen = forms.findIndex((f) => f.omitted.length === result.omitted.length);
          if (chosen > 0) expect(forms[chosen - 1]!.block.length).toBeGreaterThan(room);
        }
        if (result.outcome === 'no-room') {
          expect(result.notes).toBe(text);
          expect(forms.at(-1)!.block.length).toBeGreaterThan(room);
        }
      }),
      RUNS,
    );
  });

  it('reading the merged Notes gives back the label, less the parts it reports left out', () => {
    fc.assert(
      fc.property(userText, riskLabel, (text, l) => {
        const result = mergeNotesBlock(text, l);
        const reading = readNotesBlock(result.notes);
        if (result.outcome === 'labelled') {
          expect(reading).toMatchObject({ state: 'ours', userText: text, omitted: result.omitted });
          expect(reading.state === 'ours' && reading.label).toEqual(shown(l, result.omitted));
        } else {
          expect(result.notes).toBe(text);
          expect(reading.state).toBe(result.outcome === 'no-room' ? 'absent' : 'edited');
        }
      }),
      RUNS,
    );
  });

  it('merging the same label again changes nothing', () => {
    fc.assert(
      fc.property(userText, riskLabel, (text, l) => {
        const first = mergeNotesBlock(text, l);
        const again = mergeNotesBlock(first.notes, l);
        expect(again.changed).toBe(false);
        expect(again.notes).toBe(first.notes);
      }),
      RUNS,
    );
  });

  it('the generated texts reach every outcome and every form', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(userText, riskLabel, (text, l) => {
        const r = mergeNotesBlock(text, l);
        seen.add(r.outcome === 'labelled' ? `labelled-${r.omitted.length}` : r.outcome);
      }),
      { ...RUNS, numRuns: 2000 },
    );
    expect([...seen].sort()).toEqual(
      ['edited-block-kept', 'labelled-0', 'labelled-1', 'labelled-2', 'labelled-3', 'labelled-4', 'no-room'].sort(),
    );
  });
});
