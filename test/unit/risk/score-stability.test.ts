import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_POLICY } from '../../../server/features/risk/domain/risk-policy.js';
import { stabilise, type ScoreState } from '../../../server/features/risk/domain/score-stability.js';

const P = { ...DEFAULT_RISK_POLICY.stability, bands: { medium: 35, high: 60 } };
const run = (scores: number[]) => {
  let state: ScoreState | undefined;
  const bands: Array<string | null> = [];
  const alerts: string[] = [];
  for (const s of scores) {
    const r = stabilise(state, s, P);
    state = r.state;
    bands.push(r.state.band);
    alerts.push(...r.alerts.map((a) => a.kind));
  }
  return { bands, alerts, state: state! };
};

describe('score stability', () => {
  it('puts a customer who meets the high-risk rule in the High tier at once, whatever its smoothed score', () => {
    const first = stabilise(undefined, 20, P, true);
    expect(first.state).toMatchObject({ smoothed: 20, band: 'high' });
    const low = stabilise(undefined, 20, P);
    const raised = stabilise(low.state, 22, P, true);
    expect(raised.state.band).toBe('high');
    expect(raised.alerts).toEqual([{ kind: 'band_up', from: 'low', to: 'high' }]);
    // Once the rule no longer holds, the score's own band returns by the usual hysteresis (two runs clearly below).
    const after1 = stabilise(raised.state, 20, P);
    const after2 = stabilise(after1.state, 20, P);
    expect([after1.state.band, after2.state.band]).toEqual(['high', 'low']);
  });

  it('smooths with an EWMA and moves to a riskier band at once, with an alert', () => {
    const r = run([30, 80]);
    expect(r.state.smoothed).toBe(45); // 0.3·80 + 0.7·30
    expect(r.bands).toEqual(['low', 'medium']);
    expect(r.alerts).toEqual(['band_up']);
  });

  it('moves to a safer band only after staying clearly below for two runs', () => {
    const r = run([40, 40, 20, 20, 20, 20]);
    // smoothed: 40, 40, 34, 29.8, 26.86, 24.8 — below 35 − 5 from run 4 on, two runs in a row by run 5.
    expect(r.bands).toEqual(['medium', 'medium', 'medium', 'medium', 'low', 'low']);
  });

  it('alerts when the score keeps rising for three runs', () => {
    expect(run([10, 14, 18, 22]).alerts).toContain('rising');
  });

  it('small noise around a threshold never moves a customer between bands', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 5, maxLength: 30 }), (noise) => {
        const { bands } = run([36, ...noise.map((n) => 36 + n)]);
        return new Set(bands).size === 1;
      }),
    );
  });
});
