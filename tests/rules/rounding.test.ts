import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/model/decimal.js';
import type { NumberField } from '../../src/model/index.js';
import { agrees, shown } from '../../src/rules/figures.js';

/*
 * SPEC.md, Rounding: a reported figure agrees with a computed one when the computed one, rounded half-up to as
 * many decimals as the reported figure shows, equals it. Rule parameters may add a tolerance.
 */

/** A reported figure as the table shows it: its decimals are the ones in the text. */
function reported(text: string, cell = 'H8'): NumberField {
  return { value: new Decimal(text), state: 'ok', decimals: text.split('.')[1]?.length ?? 0, text, cell };
}

const d = (s: string) => new Decimal(s);
/** 6.695 ÷ 7 × 100 = 95.642857142857…, the seed's execution rate. */
const seedRate = d('6.695').div(7).times(100);

describe('agrees', () => {
  describe('reported precision 0', () => {
    it.each([
      ['95.6', '96', true],
      ['95.6', '95', false],
      ['95.5', '96', true],
      ['95.49', '95', true],
      ['95.49', '96', false],
      ['100', '100', true],
    ])('%s computed vs %s reported → %s', (c, r, ok) => {
      expect(agrees(d(c), reported(r))).toBe(ok);
    });
  });

  describe('reported precision 2', () => {
    it('the seed rate 95.642857…% agrees with 95.64', () => expect(agrees(seedRate, reported('95.64'))).toBe(true));
    it('the seed rate does not agree with 95.65 or 95.63', () => {
      expect(agrees(seedRate, reported('95.65'))).toBe(false);
      expect(agrees(seedRate, reported('95.63'))).toBe(false);
    });
    it('the seed rate score 9.5642857… agrees with 9.56', () => expect(agrees(seedRate.div(10), reported('9.56'))).toBe(true));
    it('100.00 agrees with 100 and with 99.996, not with 99.994', () => {
      expect(agrees(d('100'), reported('100.00'))).toBe(true);
      expect(agrees(d('99.996'), reported('100.00'))).toBe(true);
      expect(agrees(d('99.994'), reported('100.00'))).toBe(false);
    });
  });

  describe('reported precision 3', () => {
    it('6.6954 agrees with 6.695, 6.6955 does not', () => {
      expect(agrees(d('6.6954'), reported('6.695'))).toBe(true);
      expect(agrees(d('6.6955'), reported('6.695'))).toBe(false);
      expect(agrees(d('6.6955'), reported('6.696'))).toBe(true);
    });
    it('7 − 6.695 = 0.305 exactly', () => expect(agrees(d('7').minus('6.695'), reported('0.305'))).toBe(true));
    it('a reported 0.31 (2 decimals) agrees with 0.305, a reported 0.310 (3 decimals) does not', () => {
      expect(agrees(d('0.305'), reported('0.31'))).toBe(true);
      expect(agrees(d('0.305'), reported('0.310'))).toBe(false);
    });
  });

  describe('half-up at the 5', () => {
    it('0.125 → 0.13 at 2 decimals', () => {
      expect(agrees(d('0.125'), reported('0.13'))).toBe(true);
      expect(agrees(d('0.125'), reported('0.12'))).toBe(false);
    });
    it('2.5 → 3 at 0 decimals', () => {
      expect(agrees(d('2.5'), reported('3'))).toBe(true);
      expect(agrees(d('2.5'), reported('2'))).toBe(false);
    });
    it('0.5 → 1, 1.5 → 2 (not to even)', () => {
      expect(agrees(d('0.5'), reported('1'))).toBe(true);
      expect(agrees(d('1.5'), reported('2'))).toBe(true);
    });
    it('0.0049999 stays 0.00', () => expect(agrees(d('0.0049999'), reported('0.00'))).toBe(true));
  });

  describe('negative values round half away from zero', () => {
    it('−0.125 → −0.13', () => {
      expect(agrees(d('-0.125'), reported('-0.13'))).toBe(true);
      expect(agrees(d('-0.125'), reported('-0.12'))).toBe(false);
    });
    it('−2.5 → −3', () => {
      expect(agrees(d('-2.5'), reported('-3'))).toBe(true);
      expect(agrees(d('-2.5'), reported('-2'))).toBe(false);
    });
    it('a sign error never agrees: −0.7 against 0.7', () => expect(agrees(d('-0.7'), reported('0.7'))).toBe(false));
  });

  describe('tolerance', () => {
    it('is added after rounding: 95.66 against 95.64 needs 0.02', () => {
      expect(agrees(d('95.66'), reported('95.64'))).toBe(false);
      expect(agrees(d('95.66'), reported('95.64'), d('0.01'))).toBe(false);
      expect(agrees(d('95.66'), reported('95.64'), d('0.02'))).toBe(true);
    });
    it('works in both directions', () => {
      expect(agrees(d('95.62'), reported('95.64'), d('0.02'))).toBe(true);
      expect(agrees(d('95.61'), reported('95.64'), d('0.02'))).toBe(false);
    });
    it('the seed rate against 95.65 with a tolerance of 0.01', () => {
      expect(agrees(seedRate, reported('95.65'), d('0.01'))).toBe(true);
    });
    it('0 is the default', () => expect(agrees(d('95.645'), reported('95.64'), d('0'))).toBe(false));
  });

  it('a reported field without a value has nothing to disagree with', () => {
    const empty: NumberField = { value: null, state: 'empty', decimals: 0, text: '', cell: 'G8' };
    expect(agrees(d('0.305'), empty)).toBe(true);
  });
});

describe('shown', () => {
  it.each([
    // computed, reported decimals, shown
    [seedRate.toFixed(), 2, '95.64'],
    ['0.125', 2, '0.13'],
    ['-0.125', 2, '-0.13'],
    ['0.305', 3, '0.305'],
    ['6.6954', 3, '6.695'],
    ['7', 0, '7'],
    ['7', 2, '7.00'],
    ['100', 2, '100.00'],
    ['6.595', 3, '6.595'],
  ])('%s at %i decimals → %s', (c, dec, out) => {
    expect(shown(d(c), dec)).toBe(out);
  });

  it('a non-integer is shown with at least 2 decimals, trailing zeros trimmed, whatever the reported precision', () => {
    expect(shown(d('2.5'), 0)).toBe('2.5');
    expect(shown(d('95.6'), 0)).toBe('95.6');
    expect(shown(seedRate, 0)).toBe('95.64');
    expect(shown(seedRate.div(10), 1)).toBe('9.56');
    expect(shown(d('0.305'), 0)).toBe('0.31');
  });

  it('the message figure agrees with the computed value when written back at its own precision', () => {
    for (const [c, dec] of [
      [seedRate, 2],
      [d('0.125'), 2],
      [d('-2.5'), 0],
      [d('6.6954'), 3],
    ] as const) {
      const s = shown(c, dec);
      expect(agrees(c, reported(s)), `${c.toFixed()} → ${s}`).toBe(true);
    }
  });
});
