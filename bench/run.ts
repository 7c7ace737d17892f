import { spawnSync } from 'node:child_process';
import { type Benchmark, type BenchResult, writeResult } from './bench-support.js';
import { generationBenchmark, queryBenchmark } from './emulator.bench.js';
import { syncBenchmark } from './sync.bench.js';
import { scoreBenchmark } from './score.bench.js';
import { panelBenchmark } from './panel.bench.js';
import { writebackBenchmark } from './writeback.bench.js';
import { remindersBenchmark } from './reminders.bench.js';

/**
 * `npm run bench [-- name...]`: runs the benchmarks (all, or those named), each in its own process so one
 * benchmark's memory never counts against another's, prints a summary and writes bench/results/<name>.json.
 * Speed targets live here, never in timed unit tests.
 */
const ALL: Benchmark[] = [
  generationBenchmark,
  queryBenchmark,
  syncBenchmark,
  scoreBenchmark,
  panelBenchmark,
  writebackBenchmark,
  remindersBenchmark,
];

const args = process.argv.slice(2);
if (args[0] === '--child') {
  // One benchmark, in this process: print its result as JSON on the last line.
  const bench = ALL.find((b) => b.name === args[1])!;
  process.stdout.write(`\n${JSON.stringify(await bench.run())}\n`);
  process.exit(0);
}

const wanted = args.filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !ALL.some((b) => b.name === w));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${ALL.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}
let failed = 0;
for (const bench of ALL.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
  process.stdout.write(`\n▶ ${bench.name}\n`);
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/run.ts', '--child', bench.name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 2 ** 20,
  });
  if (child.status !== 0) {
    process.stdout.write(`  ✗ failed (exit ${child.status})\n`);
    failed++;
    continue;
  }
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as BenchResult;
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
