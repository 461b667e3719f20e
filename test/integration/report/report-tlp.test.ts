/**
 * `iochunt report` over feeds of mixed markings, from sync to the report file: the IOCs'
 * markings and bulletins go through the real parsers, the IOC documents and the alerts, and
 * the report reads them back from the cluster.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

const EVENT_UUID = '2b7c1e4a-5d3f-4e8b-9a6c-0f1e2d3c4b5a';
/** A partner's MISP event: TLP:AMBER, one attribute TLP:RED. */
const PARTNER_EVENT = JSON.stringify({
  Event: {
    uuid: EVENT_UUID,
    info: 'Partner sharing: relay servers',
    date: '2022-02-14',
    timestamp: '1644835200',
    Tag: [{ name: 'tlp:amber' }],
    Attribute: [
      { type: 'ip-dst', value: '91.219.236.18', to_ids: true },
      { type: 'ip-dst', value: '185.220.101.4', to_ids: true, Tag: [{ name: 'tlp:red' }] },
    ],
  },
});
const GREEN_IP = '193.56.28.103';
const UNMARKED_IP = '5.188.206.14';

interface ReportJson {
  tlp: { label: string | null; max?: string; leftOut: { iocs: number; findings: number }; unmarked: number };
  iocs: { value: string; tlp: string | null }[];
  sources: { feed: string; tlp: string | null; bulletins: { id?: string; title?: string; url?: string; published?: string }[] }[];
  totals: { findings: number };
}

const temp = useTempFiles('report-tlp');

describe.each(['opensearch', 'elasticsearch'] as const)('report over feeds of mixed TLP markings on %s', (flavor) => {
  const fx = useEngine(flavor);
  const prefix = uniqueName('report-tlp');
  const names = buildResourceNames(prefix);
  const logs = `${prefix}-logs-2022`;
  const connection = (): string[] => [
    '--url',
    fx.endpoint.url,
    ...(fx.endpoint.user ? ['--user', fx.endpoint.user, '--password', fx.endpoint.password ?? ''] : []),
    '--prefix',
    prefix,
  ];
  const report = async (extra: string[]): Promise<ReportJson> => {
    const out = join(temp.dir, `${uniqueName('report')}.json`);
    const run = await runIochunt(['report', ...connection(), '--format', 'json', '--out', out, ...extra]);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(readFileSync(out, 'utf8')) as ReportJson;
  };

  beforeAll(async () => {
    await syncIocs(fx.engine, { sources: [ANSSI], prefix });
    await syncIocs(fx.engine, { sources: [temp.file(`partner-${flavor}.json`, PARTNER_EVENT)], prefix, feed: 'partner' });
    await syncIocs(fx.engine, { sources: [temp.file(`green-${flavor}.txt`, GREEN_IP)], prefix, feed: 'green-list', tlp: 'green' });
    await syncIocs(fx.engine, { sources: [temp.file(`plain-${flavor}.txt`, UNMARKED_IP)], prefix, feed: 'plain-list' });
    await fx.engine.createIndex(logs, loadResource('mappings', 'sample-logs'));
    const hits = [ANSSI_IPS[0]!, '91.219.236.18', '185.220.101.4', '185.220.101.4', GREEN_IP, UNMARKED_IP];
    const lines = hits.map((ip, i) => `${JSON.stringify({ index: { _index: logs, _id: `e${i}` } })}\n${JSON.stringify({ '@timestamp': `2022-03-0${i + 1}T10:00:00.000Z`, destination: { ip }, host: { name: `ws-${i}` } })}\n`);
    await fx.engine.bulk(lines.join(''), { refresh: true });
    await runHunt(fx.engine, { prefix, index: [`${prefix}-logs-*`] });
  }, 120_000);
  afterAll(async () => {
    await fx.engine.deleteIndices([logs, names.iocs, names.state, `${names.alerts}-000001`]);
  });

  it('labels the report with the strictest TLP, each IOC with its own, and lists the bulletins', async () => {
    const json = await report([]);
    expect(json.tlp).toEqual({ label: 'TLP:RED', leftOut: { iocs: 0, findings: 0 }, unmarked: 1 });
    expect(Object.fromEntries(json.iocs.map((ioc) => [ioc.value, ioc.tlp]))).toEqual({
      [ANSSI_IPS[0]!]: 'TLP:CLEAR',
      '91.219.236.18': 'TLP:AMBER',
      '185.220.101.4': 'TLP:RED',
      [GREEN_IP]: 'TLP:GREEN',
      [UNMARKED_IP]: null,
    });
    expect(json.sources.map((s) => [s.feed, s.tlp, s.bulletins])).toEqual([
      [
        'CERTFR-2021-IOC-003',
        'TLP:CLEAR',
        [{ id: 'CERTFR-2021-IOC-003', title: 'Publication maqueurs APT31', url: 'https://www.cert.ssi.gouv.fr/ioc/CERTFR-2021-IOC-003/', published: '2021-07-20T00:00:00.000Z' }],
      ],
      ['green-list', 'TLP:GREEN', []],
      ['partner', 'TLP:RED', [{ id: EVENT_UUID, title: 'Partner sharing: relay servers', published: '2022-02-14T00:00:00.000Z', modified: '2022-02-14T10:40:00.000Z' }]],
      ['plain-list', null, []],
    ]);
  });

  it('--tlp-max green leaves out the AMBER and RED IOCs with their findings and says so', async () => {
    const json = await report(['--tlp-max', 'green']);
    expect(json.tlp).toEqual({ label: 'TLP:GREEN', max: 'TLP:GREEN', leftOut: { iocs: 2, findings: 3 }, unmarked: 1 });
    expect(json.iocs.map((ioc) => ioc.value).sort()).toEqual([ANSSI_IPS[0]!, GREEN_IP, UNMARKED_IP].sort());
    expect(json.totals.findings).toBe(3);
    expect(json.sources.map((s) => s.feed)).toEqual(['CERTFR-2021-IOC-003', 'green-list', 'plain-list']);

    const csv = join(temp.dir, `green-${flavor}.csv`);
    const run = await runIochunt(['report', ...connection(), '--tlp-max', 'TLP:GREEN', '--out', csv]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(`wrote ${csv}: 3 findings for 3 IOCs, TLP:GREEN (2 IOCs above TLP:GREEN left out and 1 IOC without a marking)`);
    expect(readFileSync(csv, 'utf8').split('\r\n')[0]).toBe('# TLP:GREEN (2 IOCs above TLP:GREEN left out and 1 IOC without a marking)');
  });

  it('refuses a --tlp-max that is not a TLP label, before reading anything', async () => {
    const run = await runIochunt(['report', '--url', 'http://127.0.0.1:9', '--tlp-max', 'purple', '--out', join(temp.dir, `x-${flavor}.html`)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--tlp-max: "purple" is not a TLP label (clear, green, amber, amber+strict, red)');
  });
});
