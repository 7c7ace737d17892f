import type { ClusterCentre } from './clusters/customer-clusters.js';
import type { ScoreState } from './domain/score-stability.js';
import type { RunToSave, ScoreRunKeeping } from './score-run-store-type.js';

/** A run as the fake keeps it: what was saved, its id, and whether its detail was trimmed. */
export interface FakeSavedRun extends RunToSave {
  id: number;
  trimmed: boolean;
}

/**
 * What a score run reads and writes of the score-run store, in memory (tests of RiskService). `previous` seeds
 * a company's latest run as the smoothing and the clusters' warm start read it.
 */
export class FakeScoreRunStore implements ScoreRunKeeping {
  readonly runs: FakeSavedRun[] = [];
  private readonly seeded = new Map<string, { states: Map<string, ScoreState>; centres?: ClusterCentre[] }>();

  previous(realmId: string, run: { states: Map<string, ScoreState>; centres?: ClusterCentre[] }): void {
    this.seeded.set(realmId, run);
  }

  async saveRun(run: RunToSave): Promise<number> {
    const id = this.runs.length + 1;
    this.runs.push({ ...run, id, trimmed: false });
    return id;
  }

  async trimRunDetail(realmId: string, keepWhole: number, _at: Date, maxRuns = 5): Promise<number[]> {
    const own = this.runs.filter((r) => r.realmId === realmId);
    const older = own
      .slice(0, Math.max(0, own.length - Math.max(1, keepWhole)))
      .filter((r) => !r.trimmed)
      .slice(0, maxRuns);
    for (const r of older) r.trimmed = true;
    return older.map((r) => r.id);
  }

  async latestStates(realmId: string): Promise<Map<string, ScoreState>> {
    const latest = this.latest(realmId);
    return latest ? new Map(latest.states) : new Map(this.seeded.get(realmId)?.states ?? []);
  }

  async latestClusterCentres(realmId: string): Promise<ClusterCentre[] | undefined> {
    const latest = this.latest(realmId);
    const centres = latest ? latest.figures.clusters.centres : this.seeded.get(realmId)?.centres;
    return centres && centres.length > 0 ? centres : undefined;
  }

  private latest(realmId: string): FakeSavedRun | undefined {
    return this.runs.filter((r) => r.realmId === realmId).at(-1);
  }
}
