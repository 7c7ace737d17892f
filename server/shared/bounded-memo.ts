/**
 * Memoises a pure one-argument function in a Map that is emptied when it reaches `maxEntries`. For hot loops
 * where an LRU's bookkeeping would cost more than it saves: the keys are few (a company's distinct dates) and
 * asked for again and again, so an occasional reset loses little. docs/benchmarks.md says where it was measured.
 */
export function boundedMemo<K, V>(compute: (key: K) => V, maxEntries: number): (key: K) => V {
  const memo = new Map<K, V>();
  return (key: K): V => {
    let value = memo.get(key);
    if (value === undefined) {
      value = compute(key);
      if (memo.size >= maxEntries) memo.clear();
      memo.set(key, value);
    }
    return value;
  };
}
