import type { Knex } from 'knex';

/**
 * risk_score_runs.what_if: a run scored for a date other than the day it was made (`score --as-of`, before
 * such runs stopped being saved). Marked runs never become the latest run again and are left out of the
 * score history and smoothing. The repair below also undoes what they did to the live runs after them:
 * each customer's smoothing state is replayed over the live runs' raw scores, the alerts the marked runs
 * raised are closed, later alerts that the replay does not raise are closed, and those it raises that are
 * missing are added to their live run. docs/risk.md explains.
 *
 * The rules it applies are copied here as they were when it was written (a migration must not change when
 * the app changes): score-stability.ts `stabilise`, time-zone.ts `localDate`, search-text.ts `foldForSearch`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('risk_score_runs', (t) => t.boolean('what_if').notNullable().defaultTo(false));
  await repairWhatIfRuns(knex, new Date());
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('risk_score_runs', (t) => t.dropColumn('what_if'));
}

type Band = 'low' | 'medium' | 'high';
interface State {
  smoothed: number | null;
  band: Band | null;
  risingRuns: number;
  saferRuns: number;
}
interface Bands {
  medium: number;
  high: number;
}

/** The policy defaults and config default of the time this was written. */
const DEFAULT_BANDS: Bands = { medium: 35, high: 60 };
const FALLBACK_TIME_ZONE = 'America/Los_Angeles';
/** A run that starts before midnight and is saved after it keeps the earlier date: not a what-if. */
const MIDNIGHT_MARGIN_MS = 60 * 60_000;
const STABILITY = { alpha: 0.3, deadband: 5, saferRunsNeeded: 2, risingRunsAlert: 3 };
const RANK: Record<Band, number> = { low: 0, medium: 1, high: 2 };

function localDate(instant: Date, zone: string): string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const parts = format.formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

function validZone(zone: string | null | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

const bandOf = (score: number, b: Bands): Band => (score >= b.high ? 'high' : score >= b.medium ? 'medium' : 'low');
const floorOf = (band: Band, b: Bands): number => (band === 'high' ? b.high : band === 'medium' ? b.medium : 0);

type Alert = { kind: 'band_up'; from: Band | null; to: Band } | { kind: 'rising'; runs: number };

/** risk-service.ts's alert messages as of this migration. */
const alertMessage = (name: string, a: Alert) =>
  a.kind === 'band_up'
    ? `${name} moved from ${a.from ?? 'unscored'} to ${a.to} risk`
    : `${name}'s risk score has risen ${a.runs} runs in a row`;

function stabilise(prev: State | undefined, raw: number | null, bands: Bands): { state: State; alerts: Alert[] } {
  if (raw === null) return { state: prev ?? { smoothed: null, band: null, risingRuns: 0, saferRuns: 0 }, alerts: [] };
  const a = STABILITY.alpha;
  const smoothed = prev?.smoothed == null ? raw : Math.round((a * raw + (1 - a) * prev.smoothed) * 100) / 100;
  const target = bandOf(smoothed, bands);
  const alerts: Alert[] = [];
  let band = prev?.band ?? null;
  let saferRuns = 0;
  if (band === null) band = target;
  else if (RANK[target] > RANK[band]) {
    alerts.push({ kind: 'band_up', from: band, to: target });
    band = target;
  } else if (RANK[target] < RANK[band]) {
    saferRuns = smoothed < floorOf(band, bands) - STABILITY.deadband ? (prev?.saferRuns ?? 0) + 1 : 0;
    if (saferRuns >= STABILITY.saferRunsNeeded) {
      band = target;
      saferRuns = 0;
    }
  }
  const risingRuns = prev?.smoothed != null && smoothed > prev.smoothed + 0.5 ? prev.risingRuns + 1 : 0;
  if (risingRuns === STABILITY.risingRunsAlert) alerts.push({ kind: 'rising', runs: risingRuns });
  return { state: { smoothed, band, risingRuns, saferRuns }, alerts };
}

const foldForSearch = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** A timestamp as SQLite (epoch milliseconds, maybe as text) or PostgreSQL returns it. */
const toDate = (v: unknown): Date =>
  v instanceof Date ? v : new Date(typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : (v as string | number));

interface RunRow {
  id: number;
  as_of: string;
  created_at: unknown;
  policy_version: number;
}
const alertKey = (customerId: string, kind: string, message: string) => `${customerId}\u0000${kind}\u0000${message}`;

/** True when the run was scored for a date other than the local date it was made on. */
export function isWhatIfRun(run: { asOf: string; createdAt: Date }, zone: string): boolean {
  if (run.asOf === localDate(run.createdAt, zone)) return false;
  return run.asOf !== localDate(new Date(run.createdAt.getTime() - MIDNIGHT_MARGIN_MS), zone);
}

/** What the repair did, per company (for its test and the migration's log). */
export interface RepairReport {
  realmId: string;
  marked: number[];
  replayedRuns: number[];
  closedAlerts: number[];
  raisedAlerts: number;
}

/**
 * Marks what-if runs, replays smoothing over the live runs after the first of them, closes the alerts that
 * should not be open and adds those the live history raises. Idempotent: a second call finds nothing to mark.
 */
export async function repairWhatIfRuns(knex: Knex, now: Date): Promise<RepairReport[]> {
  const fallbackZone = validZone(process.env.DEFAULT_COMPANY_TIME_ZONE) ?? FALLBACK_TIME_ZONE;
  const companies = (await knex('companies').select('realm_id', 'time_zone')) as Array<{
    realm_id: string;
    time_zone: string | null;
  }>;
  const reports: RepairReport[] = [];
  for (const company of companies) {
    const zone = validZone(company.time_zone) ?? fallbackZone;
    const runs = (
      (await knex('risk_score_runs')
        .where({ realm_id: company.realm_id })
        .orderBy('id')
        .select('id', 'as_of', 'created_at', 'policy_version', 'what_if')) as Array<RunRow & { what_if: unknown }>
    ).map((r) => ({ ...r, id: Number(r.id), as_of: String(r.as_of), alreadyMarked: Boolean(r.what_if) }));
    const marked = runs
      .filter((r) => !r.alreadyMarked && isWhatIfRun({ asOf: r.as_of, createdAt: toDate(r.created_at) }, zone))
      .map((r) => r.id);
    if (marked.length === 0) continue;
    await knex.transaction(async (trx) => {
      await trx('risk_score_runs')
        .where({ realm_id: company.realm_id })
        .whereIn('id', marked)
        .update({ what_if: true });
      const whatIf = new Set([...marked, ...runs.filter((r) => r.alreadyMarked).map((r) => r.id)]);
      const report = await replay(trx, company.realm_id, runs, whatIf, Math.min(...marked), now);
      reports.push({ realmId: company.realm_id, marked, ...report });
    });
  }
  return reports;
}

async function replay(
  trx: Knex.Transaction,
  realmId: string,
  runs: RunRow[],
  whatIf: ReadonlySet<number>,
  firstMarked: number,
  now: Date,
) {
  const live = runs.filter((r) => !whatIf.has(r.id));
  const before = live.filter((r) => r.id < firstMarked).at(-1);
  let states = before ? await statesOf(trx, realmId, before.id) : new Map<string, State>();
  const bandsByVersion = await policyBands(trx, realmId);
  const replayedRuns: number[] = [];
  const closedAlerts: number[] = [];
  let raisedAlerts = 0;
  const close = async (ids: number[], note: string) => {
    if (ids.length === 0) return;
    await trx('risk_alerts')
      .where({ realm_id: realmId })
      .whereIn('id', ids)
      .whereNull('acknowledged_at')
      .update({ acknowledged_at: now, acknowledged_by: note });
    closedAlerts.push(...ids);
  };
  for (const run of runs.filter((r) => r.id > firstMarked)) {
    if (whatIf.has(run.id)) continue;
    const existing = (
      await trx('risk_alerts')
        .where({ realm_id: realmId, run_id: run.id })
        .select('id', 'customer_qbo_id', 'kind', 'message', 'acknowledged_at')
    ).map((a: Record<string, unknown>) => ({
      id: Number(a.id),
      open: a.acknowledged_at == null,
      key: alertKey(String(a.customer_qbo_id), String(a.kind), String(a.message)),
    }));
    const bands = bandsByVersion.get(Number(run.policy_version)) ?? DEFAULT_BANDS;
    const rows = await trx('customer_scores')
      .where({ run_id: run.id, realm_id: realmId })
      .select('customer_qbo_id', 'display_name', 'score', 'smoothed_score', 'stable_band', 'rising_runs', 'safer_runs');
    const next = new Map<string, State>();
    const raised = new Map<string, { customerId: string; kind: string; message: string }>();
    for (const r of rows as Array<Record<string, unknown>>) {
      const id = String(r.customer_qbo_id);
      const step = stabilise(states.get(id), num(r.score), bands);
      next.set(id, step.state);
      for (const a of step.alerts) {
        const message = alertMessage(String(r.display_name ?? id), a);
        raised.set(alertKey(id, a.kind, message), { customerId: id, kind: a.kind, message });
      }
      const s = step.state;
      const same =
        num(r.smoothed_score) === s.smoothed &&
        (r.stable_band ?? null) === s.band &&
        Number(r.rising_runs) === s.risingRuns &&
        Number(r.safer_runs) === s.saferRuns;
      if (!same) {
        await trx('customer_scores').where({ run_id: run.id, customer_qbo_id: id }).update({
          smoothed_score: s.smoothed,
          stable_band: s.band,
          rising_runs: s.risingRuns,
          safer_runs: s.saferRuns,
        });
      }
    }
    states = next;
    replayedRuns.push(run.id);
    const unfounded = existing.filter((a) => a.open && !raised.has(a.key)).map((a) => a.id);
    await close(unfounded, `Duesense repair: raised from smoothing that a what-if run (${firstMarked}) distorted`);
    // What the live history raises here but the distorted smoothing held back (often the move the what-if announced).
    const missing = [...raised].filter(([key]) => !existing.some((a) => a.key === key)).map(([, a]) => a);
    if (missing.length > 0) {
      await trx('risk_alerts').insert(
        missing.map((a) => ({
          realm_id: realmId,
          customer_qbo_id: a.customerId,
          run_id: run.id,
          kind: a.kind,
          message: a.message,
          created_at: toDate(run.created_at),
        })),
      );
      raisedAlerts += missing.length;
    }
  }
  for (const id of whatIf) {
    const ids = (
      await trx('risk_alerts').where({ realm_id: realmId, run_id: id }).whereNull('acknowledged_at').pluck('id')
    ).map(Number);
    const asOf = runs.find((r) => r.id === id)?.as_of;
    await close(ids, `Duesense repair: raised by what-if run ${id} (as of ${asOf}), not by a live score`);
  }
  await fillSearchNames(trx, realmId, live.at(-1)?.id);
  return { replayedRuns, closedAlerts, raisedAlerts };
}

async function statesOf(trx: Knex.Transaction, realmId: string, runId: number): Promise<Map<string, State>> {
  const rows = await trx('customer_scores')
    .where({ run_id: runId, realm_id: realmId })
    .select('customer_qbo_id', 'smoothed_score', 'stable_band', 'rising_runs', 'safer_runs');
  return new Map(
    (rows as Array<Record<string, unknown>>).map((r) => [
      String(r.customer_qbo_id),
      {
        smoothed: num(r.smoothed_score),
        band: (r.stable_band as Band | null) ?? null,
        risingRuns: Number(r.rising_runs),
        saferRuns: Number(r.safer_runs),
      },
    ]),
  );
}

async function policyBands(trx: Knex.Transaction, realmId: string): Promise<Map<number, Bands>> {
  const rows = await trx('risk_policies').where({ realm_id: realmId }).select('version', 'policy_json');
  return new Map(
    (rows as Array<{ version: number; policy_json: string }>).map((r) => [
      Number(r.version),
      (JSON.parse(r.policy_json) as { bands: Bands }).bands,
    ]),
  );
}

/** Migration 1200 filled search names on the latest run only: when that was a what-if, the run latest now gets them. */
async function fillSearchNames(trx: Knex.Transaction, realmId: string, runId: number | undefined): Promise<void> {
  if (runId === undefined) return;
  const rows = await trx('customer_scores')
    .where({ run_id: runId, realm_id: realmId, search_name: '' })
    .select('customer_qbo_id', 'display_name');
  for (const r of rows as Array<{ customer_qbo_id: string; display_name: string | null }>) {
    await trx('customer_scores')
      .where({ run_id: runId, customer_qbo_id: r.customer_qbo_id })
      .update({ search_name: foldForSearch(r.display_name ?? '') });
  }
}
