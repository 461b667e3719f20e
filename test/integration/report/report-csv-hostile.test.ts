/**
 * A CSV report of a hunt over hostile event values, from the events to the file (issue 14,
 * item 5): host and user names an attacker controls (`=HYPERLINK(...)`, `@SUM(...)`, a leading
 * `+`, `-`, tab or CR) go through the cluster, the alerts and `iochunt report --format csv`, and
 * no cell of the file starts with what a spreadsheet evaluates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { runHunt } from '../../../src/io/hunt/run-hunt.js';
import { loadResource } from '../../../src/io/load-resource.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { ANSSI, ANSSI_IPS } from '../../helpers/hunt-corpus.js';
import { runIochunt } from '../../helpers/run-cli.js';
import { useTempFiles } from '../../helpers/temp-files.js';

/** What spreadsheets run as a formula when a cell starts with it (OWASP, CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
const HOSTILE = [
  { host: '=HYPERLINK("http://x.example/","ok")', user: "@SUM(1+1)*cmd|' /C calc'!A0" },
  { host: '+cmd|calc', user: '-2+3' },
  { host: '\t=1+1', user: '\r=2+2' },
];

const temp = useTempFiles('report-csv-hostile');

describe('a CSV report over hostile event values (OpenSearch)', () => {
  const fx = useEngine('opensearch');
  const prefix = uniqueName('csv-hostile');
  const names = buildResourceNames(prefix);
  const logs = `${prefix}-logs-2022`;

  beforeAll(async () => {
    await syncIocs(fx.engine, { sources: [ANSSI], prefix });
    await fx.engine.createIndex(logs, loadResource('mappings', 'sample-logs'));
    const lines = HOSTILE.map(
      ({ host, user }, i) =>
        `${JSON.stringify({ index: { _index: logs, _id: `e${i}` } })}\n${JSON.stringify({ '@timestamp': `2022-03-0${i + 1}T10:00:00.000Z`, destination: { ip: ANSSI_IPS[i] }, host: { name: host }, user: { name: user } })}\n`,
    );
    await fx.engine.bulk(lines.join(''), { refresh: true });
    const hunt = await runHunt(fx.engine, { prefix, index: [`${prefix}-logs-*`] });
    expect(hunt.totals.findings).toBe(HOSTILE.length);
  }, 120_000);
  afterAll(async () => {
    await fx.engine.deleteIndices([logs, names.iocs, names.state, `${names.alerts}-000001`]);
  });

  it('has no cell a spreadsheet evaluates, and every hostile value is still there, escaped', async () => {
    const out = join(temp.dir, 'report.csv');
    const run = await runIochunt(['report', '--url', fx.endpoint.url, '--prefix', prefix, '--format', 'csv', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const rows = parse(readFileSync(out, 'utf8'), { comment: '#', columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(HOSTILE.length);
    const cells = rows.flatMap((row) => Object.values(row));
    expect(cells.filter((cell) => FORMULA_START.test(cell))).toEqual([]);
    // Escaped, not dropped: each value is its cell after the leading quote.
    const hosts = rows.map((row) => row.hosts).sort();
    const users = rows.map((row) => row.users).sort();
    expect(hosts).toEqual(HOSTILE.map(({ host }) => `'${host}`).sort());
    expect(users).toEqual(HOSTILE.map(({ user }) => `'${user}`).sort());
  });
});
