import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { buildSavedObjects, type SavedObjectsTarget } from '../../../src/core/kibana/build-saved-objects.js';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { runIochunt } from '../../helpers/run-cli.js';

const FEED = 'CERTFR-2021-IOC-003';
/** ANSSI marks the bulletin `white` (TLP 1.0), which a TLP 2.0 report shows as CLEAR. */
const BULLETIN_LABEL = 'TLP:CLEAR';
const SAMPLE = fileURLToPath(new URL(`../../../samples/${FEED}-IOC.csv`, import.meta.url));
const FILES = ['report.html', 'report.csv', 'report.json', 'kibana.ndjson', 'dashboards.ndjson'];

interface DemoJson {
  hunt: { totals: { findings: number; iocsHit: number } };
  outputs: { dir: string; report: Record<string, string>; savedObjects: Record<string, string>; tlp: { label: string | null } };
}

/**
 * Every file the demo wrote into `dir` exists and reads as what it claims to be: the HTML
 * report carries the bulletin's label in its header, the CSV parses with a CSV parser and has
 * one row per IOC hit, the JSON has the `tlp` and sources, and each NDJSON line is one of the
 * saved objects `iochunt kibana export` builds for the demo's prefix and event indices.
 */
function expectDemoFiles(dir: string, result: DemoJson, prefix: string): void {
  expect(result.outputs.dir).toBe(dir);
  expect([...Object.values(result.outputs.report), ...Object.values(result.outputs.savedObjects)].sort()).toEqual(FILES.map((f) => join(dir, f)).sort());
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');

  expect(read('report.html')).toContain(`<p class="tlp tlp-clear">${BULLETIN_LABEL}</p>\n</header>`);

  const csv = read('report.csv');
  expect(csv.split('\r\n')[0]).toBe(`# ${BULLETIN_LABEL}`);
  const rows = parse(csv, { comment: '#', columns: true }) as Record<string, string>[];
  expect(rows).toHaveLength(result.hunt.totals.iocsHit);
  expect(new Set(rows.map((row) => row.tlp))).toEqual(new Set([BULLETIN_LABEL]));

  const json = JSON.parse(read('report.json')) as { tlp: { label: string }; totals: { findings: number }; sources: { feed: string; bulletins: { url?: string }[] }[] };
  expect(json.tlp.label).toBe(BULLETIN_LABEL);
  expect(json.totals.findings).toBe(result.hunt.totals.findings);
  expect(json.sources.map((s) => [s.feed, s.bulletins.map((b) => b.url)])).toEqual([[FEED, [`https://www.cert.ssi.gouv.fr/ioc/${FEED}/`]]]);

  for (const target of ['kibana', 'dashboards'] as SavedObjectsTarget[]) {
    const lines = read(`${target}.ndjson`).trimEnd().split('\n');
    const expected = buildSavedObjects({ prefix, feeds: [FEED], target, eventsPattern: `${prefix}-logs-*` });
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(expected);
  }
}

describe('iochunt demo', () => {
  it('starts its own OpenSearch from Maven, tags live events, hunts, reports every planted hit, writes its files, and stops the engine', async () => {
    const home = mkdtempSync(join(tmpdir(), 'iochunt-demo-home-'));
    const out = join(home, 'out');
    try {
      const run = await runIochunt(['demo', '--json', '--events', '3000', '--out-dir', out], { IOCHUNT_ENGINE_HOME: home });
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result.engine).toMatch(/^opensearch 2\./);
      expect(result.sync.totals).toMatchObject({ accepted: 161, rejected: 0 });
      expect(result.live).toEqual({ indexed: 5, tagged: 1 });
      expect(result.hunt.totals.findings).toBe(result.planted.reportable + result.live.tagged);
      expect(result.planted).toEqual({ reportable: 6, beforeHuntFrom: 1 });
      expect(result.localEngine).toMatchObject({ startedByDemo: true, running: false });
      expectDemoFiles(out, result, 'iochunt-demo');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 300_000);

  describe('on a named cluster', () => {
    const fx = useEngine('opensearch');

    it('writes its files into --out-dir and ends with what to open and the next commands for a real cluster', async () => {
      const prefix = uniqueName('demo');
      const out = mkdtempSync(join(tmpdir(), 'iochunt-demo-out-'));
      try {
        const json = await runIochunt(['demo', '--json', '--events', '2000', '--url', fx.endpoint.url, '--prefix', prefix, '--out-dir', out]);
        expect(json.code, json.stderr).toBe(0);
        const result = JSON.parse(json.stdout) as DemoJson & { localEngine?: unknown };
        expect(result.localEngine).toBeUndefined();
        expectDemoFiles(out, result, prefix);

        const text = await runIochunt(['demo', '--events', '2000', '--url', fx.endpoint.url, '--prefix', prefix, '--out-dir', out]);
        expect(text.code, text.stderr).toBe(0);
        const last = text.stdout.trimEnd().split('\n').slice(-12);
        expect(last[0]).toBe(`wrote into ${out}:`);
        expect(last[1]).toMatch(new RegExp(`^  report\\.html +${BULLETIN_LABEL}, ${result.hunt.totals.findings} findings: open it in a browser`));
        expect(last[5]).toBe(`open ${join(out, 'report.html')}`);
        expect(last[6]).toMatch(/^next, on your cluster/);
        expect(last.slice(7).map((line) => line.trim().split(' ').slice(0, 3).join(' '))).toEqual([
          `iochunt sync ${SAMPLE}`,
          'iochunt pipelines install',
          'iochunt hunt --url',
          'iochunt report --feed',
          'iochunt schedule --every',
        ]);
        for (const line of last.slice(7)) expect(line).toContain('--url https://your-cluster:9200');
        expect(last[8]).toContain("--attach 'logs-*'");
      } finally {
        rmSync(out, { recursive: true, force: true });
        const names = buildResourceNames(prefix);
        const indices = await fx.engine.resolveIndices([`${prefix}-*`]);
        await fx.engine.deleteIndices(indices.map((i) => i.name));
        await fx.engine.deletePipeline(names.tagPipeline);
      }
    }, 120_000);
  });
});
