import { type Benchmark, writeResult } from './bench-support.js';
import { generationBenchmark, queryBenchmark } from './emulator.bench.js';
import { syncBenchmark } from './sync.bench.js';

/**
 * `npm run bench [-- name...]`: runs the benchmarks (all, or those named), prints a summary and writes each
 * result to bench/results/<name>.json. Speed targets live here, never in timed unit tests.
 */
const ALL: Benchmark[] = [generationBenchmark, queryBenchmark, syncBenchmark];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !ALL.some((b) => b.name === w));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${ALL.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}
let failed = 0;
for (const bench of ALL.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
  process.stdout.write(`\n▶ ${bench.name}\n`);
  const result = await bench.run();
  for (const [k, v] of Object.entries(result.figures)) process.stdout.write(`  ${k.padEnd(16)} ${v}\n`);
  for (const t of result.targets) {
    process.stdout.write(`  ${t.met ? '✓' : '✗'} ${t.what}: ${t.actual} (target ${t.target})\n`);
    if (!t.met) failed++;
  }
  process.stdout.write(`  → ${writeResult(result)}\n`);
}
if (failed > 0) {
  process.stdout.write(`\n${failed} target(s) missed.\n`);
  process.exitCode = 1;
}
