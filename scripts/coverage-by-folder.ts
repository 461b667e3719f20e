/**
 * Prints the unit tests' coverage per src folder, from the json-summary reporter's
 * coverage/coverage-summary.json (npm run test:coverage writes it, then runs this):
 *
 *   folder              lines           statements      functions       branches
 *   src/core/ioc        97.1% 1234/1271 ...
 *
 * Files directly in src/ (errors.ts, logger.ts, ...) count as the folder "src".
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

type Metric = 'lines' | 'statements' | 'functions' | 'branches';
type Counts = Record<Metric, { total: number; covered: number }>;

const METRICS: readonly Metric[] = ['lines', 'statements', 'functions', 'branches'];
const root = resolve(import.meta.dirname, '..');
const summaryPath = resolve(root, process.argv[2] ?? 'coverage/coverage-summary.json');

let summary: Record<string, Counts>;
try {
  summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, Counts>;
} catch (error) {
  console.error(`coverage-by-folder: cannot read ${relative(root, summaryPath)} (${(error as NodeJS.ErrnoException).code ?? 'invalid JSON'}): run npm run test:coverage`);
  process.exit(1);
}

const empty = (): Counts => ({ lines: { total: 0, covered: 0 }, statements: { total: 0, covered: 0 }, functions: { total: 0, covered: 0 }, branches: { total: 0, covered: 0 } });
const folders = new Map<string, Counts>();
const files = new Map<string, number>();
for (const [file, counts] of Object.entries(summary)) {
  if (file === 'total') continue;
  const folder = dirname(relative(root, file)).split('\\').join('/');
  const into = folders.get(folder) ?? empty();
  for (const metric of METRICS) {
    into[metric].total += counts[metric].total;
    into[metric].covered += counts[metric].covered;
  }
  folders.set(folder, into);
  files.set(folder, (files.get(folder) ?? 0) + 1);
}

const cell = ({ total, covered }: { total: number; covered: number }): string => {
  const percent = total === 0 ? '100.0' : ((100 * covered) / total).toFixed(1);
  return `${percent.padStart(5)}% ${`${covered}/${total}`.padEnd(11)}`;
};
const width = Math.max('folder'.length, 'all of src'.length, ...[...folders.keys()].map((f) => f.length)) + 2;
const header = `${'folder'.padEnd(width)}${'files'.padStart(5)}  ${METRICS.map((m) => m.padEnd(19)).join('')}`;
const row = (name: string, count: number, counts: Counts): string => `${name.padEnd(width)}${String(count).padStart(5)}  ${METRICS.map((m) => cell(counts[m]).padEnd(19)).join('')}`;

console.log(`\nUnit-test coverage per folder (${relative(root, summaryPath)})\n`);
console.log(header);
for (const folder of [...folders.keys()].sort()) console.log(row(folder, files.get(folder)!, folders.get(folder)!));
const total = summary.total ?? [...folders.values()].reduce((sum, counts) => {
  for (const metric of METRICS) {
    sum[metric].total += counts[metric].total;
    sum[metric].covered += counts[metric].covered;
  }
  return sum;
}, empty());
console.log(row('all of src', [...files.values()].reduce((a, b) => a + b, 0), total));
