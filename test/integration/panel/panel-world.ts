import type { CompanyFile } from '../../../server/emulator/company-file-format.js';
import { generateCompany } from '../../../server/emulator/generator/generate-company.js';
import { connectCompany, newAgent, type Agent } from '../../support/connect-helper.js';
import { syncWorld, type SyncWorld } from '../../support/sync-harness.js';
import { scoreOn } from '../../support/score-on.js';

/** Names that must come through the list, the page and the CSV as plain text. */
export const HOSTILE_NAME = '<script>alert(1)</script>';
export const WILDCARD_NAME = '100% Pure_Water Co';
/** Matches the wildcard name's search text only if % and _ were taken as wildcards. */
export const LOOKALIKE_NAME = 'Zed 100X PureXWater Co';
export const FORMULA_NAME = '=HYPERLINK("http://evil.test")';

/**
 * A generated two-year company whose first top-level customers carry awkward names, synced, and (unless
 * `score: false`) scored twice (a month apart, so every customer has a score history), with a signed-in agent.
 */
export async function panelWorld(o: { customers?: number; seed?: number; score?: boolean } = {}): Promise<{
  w: SyncWorld;
  agent: Agent;
  file: CompanyFile;
  names: Record<'hostile' | 'wildcard' | 'lookalike' | 'formula', string>;
}> {
  const file = generateCompany({ seed: o.seed ?? 5, customers: o.customers ?? 60, months: 24, asOf: '2026-10-31' });
  const roots = file.Customers.filter((c) => !(c as { ParentRef?: unknown }).ParentRef);
  const ids = {
    hostile: roots[0]!.Id as string,
    wildcard: roots[1]!.Id as string,
    lookalike: roots[2]!.Id as string,
    formula: roots[3]!.Id as string,
  };
  roots[0]!.DisplayName = HOSTILE_NAME;
  roots[1]!.DisplayName = WILDCARD_NAME;
  roots[2]!.DisplayName = LOOKALIKE_NAME;
  roots[3]!.DisplayName = FORMULA_NAME;
  const w = await syncWorld({ file });
  const agent = newAgent(w.t.app);
  await connectCompany(agent, w.realmId);
  await w.t.container.sync.sync(w.realmId);
  if (o.score !== false) await scoreTwice(w);
  return { w, agent, file, names: ids };
}

export async function scoreTwice(w: SyncWorld): Promise<void> {
  await scoreOn(w.t.container, w.emulator.clock, w.realmId, '2026-09-30', { trigger: 'manual' });
  await w.t.container.risk.score(w.realmId, { asOf: '2026-10-31', trigger: 'manual' });
}
