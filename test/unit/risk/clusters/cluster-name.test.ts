import { describe, expect, it } from 'vitest';
import { clusterName } from '../../../../server/features/risk/clusters/cluster-names.js';

describe('clusterName', () => {
  const clusters = [
    { id: 1, name: 'Prompt payers' },
    { id: 4, name: 'Big and slow' },
  ];

  it("gives the run's name of a customer's cluster", () => {
    expect(clusterName(clusters, 4)).toBe('Big and slow');
  });

  it('numbers a cluster the run does not name, and gives none without a cluster', () => {
    expect(clusterName(clusters, 7)).toBe('Cluster 7');
    expect(clusterName([], 1)).toBe('Cluster 1');
    expect(clusterName(clusters, null)).toBeNull();
  });
});
