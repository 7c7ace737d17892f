import type { RiskLabel } from '../../../server/features/writeback/domain/notes-block.js';
import type { DrainReport } from '../../../server/features/writeback/writeback-executor.js';

/** A high-risk label under credit restriction, as of the generated companies' date. */
export const HIGH_LABEL: RiskLabel = {
  riskTier: 'High',
  strategy: 'Credit restriction',
  creditLimit: { cents: 0, currency: 'USD' },
  asOf: '2026-10-31',
  basis: 'no new credit until overdue invoices are paid',
  creditHold: true,
};

/** A drain that found nothing to do. */
export const EMPTY_DRAIN: Readonly<DrainReport> = Object.freeze({
  written: 0,
  alreadyThere: 0,
  skipped: 0,
  failed: 0,
  retrying: 0,
  conflicts: 0,
  reconnectNeeded: false,
});
