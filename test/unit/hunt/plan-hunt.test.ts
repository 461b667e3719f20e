import { describe, expect, it } from 'vitest';
import { DEFAULT_MATCH_FIELDS, type MatchFields } from '../../../src/core/hunt/match-fields.js';
import {
  buildBatch,
  buildUnitQuery,
  planHunt as planWithDigests,
  sourceFieldsFor,
  type HuntPlan,
  type PlanHuntInput,
  type PlanIndex,
} from '../../../src/core/hunt/plan-hunt.js';
import { MAX_SUFFIX_PATTERNS_PER_QUERY } from '../../../src/core/hunt/suffix-patterns.js';
import { MD5, SHA256, deepFreeze, makeIoc } from './hunt-fixtures.js';

/** `b3.5f1e0c9a2b` -> `b3`: the batch's place, for the tests of what goes where (the digest has its own). */
const placeOf = (key: string): string => key.replace(/\b(b\d+)\.[0-9a-f]{10}$/, '$1');

/** The plan with batch keys cut to their place, so the expected plans below stay readable. */
function planHunt(input: PlanHuntInput): HuntPlan {
  const plan = planWithDigests(input);
  return { ...plan, batches: plan.batches.map((b) => ({ ...b, key: placeOf(b.key) })), units: plan.units.map((u) => ({ ...u, key: placeOf(u.key) })) };
}

function index(name: string, fieldTypes: Record<string, string>, closed = false): PlanIndex {
  return { name, closed, fieldTypes: new Map(Object.entries(fieldTypes)) };
}

/** Filebeat 8.12 suricata module: ECS template, `url.*` as wildcard, a `text` message. */
const FILEBEAT_MAPPING = {
  '@timestamp': 'date',
  'event.ingested': 'date',
  'source.ip': 'ip',
  'destination.ip': 'ip',
  'url.domain': 'keyword',
  'url.full': 'wildcard',
  'url.original': 'wildcard',
  'tls.client.server_name': 'keyword',
  message: 'text',
};

/** Filebeat zeek module (conn + dns logs). */
const ZEEK_MAPPING = {
  '@timestamp': 'date',
  'source.ip': 'ip',
  'destination.ip': 'ip',
  'related.ip': 'ip',
  'dns.question.name': 'keyword',
  'related.hosts': 'keyword',
  'zeek.session_id': 'keyword',
  message: 'text',
};

/** Logstash with dynamic mapping: strings became `keyword` or `text`. */
const LEGACY_MAPPING = {
  '@timestamp': 'date',
  'source.ip': 'keyword',
  'destination.ip': 'keyword',
  'dns.question.name': 'text',
  'url.full': 'text',
  'url.full.keyword': 'keyword',
  message: 'text',
};

/** Winlogbeat Sysmon: hashes and host addresses only. */
const WINLOGBEAT_MAPPING = {
  '@timestamp': 'date',
  'process.hash.md5': 'keyword',
  'process.hash.sha256': 'keyword',
  'file.hash.sha256': 'keyword',
  'related.hash': 'keyword',
  message: 'text',
};

const INDICES: PlanIndex[] = [
  index('logs-zeek-2022', { ...ZEEK_MAPPING, 'zeek.dns.rtt': 'float' }),
  index('zeek-raw-2021', { ts: 'date', 'id.orig_h': 'ip', query: 'keyword' }),
  index('logs-zeek-2021', ZEEK_MAPPING),
  index('filebeat-8.12-2023.06', FILEBEAT_MAPPING),
  index('winlogbeat-8.11-2021.09', WINLOGBEAT_MAPPING),
  index('logs-zeek-2020', ZEEK_MAPPING, true),
  index('logs-zeek-2019', { ...ZEEK_MAPPING, 'source.ip': 'keyword' }),
  index('logs-csv-import-2020', { ...ZEEK_MAPPING, '@timestamp': 'keyword' }),
  index('logs-legacy-2019', LEGACY_MAPPING),
  index('filebeat-8.12-2023.05', FILEBEAT_MAPPING),
];

const IP = makeIoc('45.83.1.2');
const NETWORK = makeIoc('185.220.101.0/24');
const DOMAIN = makeIoc('evil-c2.example');
const IOCS = [IP, NETWORK, DOMAIN];

const BASE: PlanHuntInput = {
  iocs: IOCS,
  indices: INDICES,
  fields: DEFAULT_MATCH_FIELDS,
  since: '2021-03-15T00:00:00.000Z',
  until: '2021-05-10T12:00:00.000Z',
};

const FILEBEAT_FIELDS = [
  { field: 'source.ip', queryField: 'source.ip', kind: 'ip', type: 'ip' },
  { field: 'destination.ip', queryField: 'destination.ip', kind: 'ip', type: 'ip' },
  { field: 'url.domain', queryField: 'url.domain', kind: 'domain', type: 'keyword' },
  { field: 'tls.client.server_name', queryField: 'tls.client.server_name', kind: 'domain', type: 'keyword' },
];

const ZEEK_FIELDS = [
  { field: 'source.ip', queryField: 'source.ip', kind: 'ip', type: 'ip' },
  { field: 'destination.ip', queryField: 'destination.ip', kind: 'ip', type: 'ip' },
  { field: 'related.ip', queryField: 'related.ip', kind: 'ip', type: 'ip' },
  { field: 'dns.question.name', queryField: 'dns.question.name', kind: 'domain', type: 'keyword' },
  { field: 'related.hosts', queryField: 'related.hosts', kind: 'domain', type: 'keyword' },
];

function sevenIps() {
  return ['45.83.1.2', '91.243.44.11', '2001:67c:2e8:22::c100:68b', '5.188.86.172', '194.26.29.113', '185.220.101.47', '193.29.56.12'].map((ip) =>
    makeIoc(ip),
  );
}

describe('planHunt: index groups', () => {
  it('groups indices by candidate-field signature, keyed g0, g1... in sorted-index order', () => {
    const plan = planHunt(BASE);
    expect(plan.groups).toEqual([
      { key: 'g0', indices: ['filebeat-8.12-2023.05', 'filebeat-8.12-2023.06'], fields: FILEBEAT_FIELDS },
      {
        key: 'g1',
        indices: ['logs-legacy-2019'],
        fields: [
          { field: 'source.ip', queryField: 'source.ip', kind: 'ip', type: 'keyword' },
          { field: 'destination.ip', queryField: 'destination.ip', kind: 'ip', type: 'keyword' },
        ],
      },
      {
        key: 'g2',
        indices: ['logs-zeek-2019'],
        fields: [{ field: 'source.ip', queryField: 'source.ip', kind: 'ip', type: 'keyword' }, ...ZEEK_FIELDS.slice(1)],
      },
      { key: 'g3', indices: ['logs-zeek-2021', 'logs-zeek-2022'], fields: ZEEK_FIELDS },
    ]);
  });

  it('sorts indices by code point, not by locale: logs-a-b (0x2d) comes before logs-a_b (0x5f)', () => {
    const plan = planHunt({ ...BASE, indices: [index('logs-a_b', ZEEK_MAPPING), index('logs-a-b', FILEBEAT_MAPPING)] });
    expect(plan.groups).toEqual([
      { key: 'g0', indices: ['logs-a-b'], fields: FILEBEAT_FIELDS },
      { key: 'g1', indices: ['logs-a_b'], fields: ZEEK_FIELDS },
    ]);
  });

  it('lists closed indices, indices without a date @timestamp and indices with no candidate field as skipped, with the reason', () => {
    expect(planHunt(BASE).skipped).toEqual([
      { index: 'logs-csv-import-2020', reason: '@timestamp is mapped as keyword, not date' },
      { index: 'logs-zeek-2020', reason: 'closed' },
      { index: 'winlogbeat-8.11-2021.09', reason: 'maps none of the fields the IOCs match on' },
      { index: 'zeek-raw-2021', reason: 'no @timestamp field' },
    ]);
  });

  it('names the configured range field in the skip reasons', () => {
    const plan = planHunt({
      ...BASE,
      timestampField: 'event.ingested',
      indices: [index('filebeat-8.12-2023.05', FILEBEAT_MAPPING), index('logs-zeek-2021', ZEEK_MAPPING), index('logs-legacy-2019', { ...LEGACY_MAPPING, 'event.ingested': 'keyword' })],
    });
    expect(plan.groups).toEqual([{ key: 'g0', indices: ['filebeat-8.12-2023.05'], fields: FILEBEAT_FIELDS }]);
    expect(plan.skipped).toEqual([
      { index: 'logs-legacy-2019', reason: 'event.ingested is mapped as keyword, not date' },
      { index: 'logs-zeek-2021', reason: 'no event.ingested field' },
    ]);
  });

  it('accepts a date_nanos time field', () => {
    const plan = planHunt({ ...BASE, indices: [index('logs-zeek-2021', { ...ZEEK_MAPPING, '@timestamp': 'date_nanos' })] });
    expect(plan.groups).toEqual([{ key: 'g0', indices: ['logs-zeek-2021'], fields: ZEEK_FIELDS }]);
    expect(plan.skipped).toEqual([]);
  });

  it('uses a text field only through its keyword subfield, and keyword, wildcard and constant_keyword ones as they are', () => {
    const plan = planHunt({
      ...BASE,
      iocs: [makeIoc('hxxp://Malware.EXAMPLE/payload.bin'), DOMAIN],
      indices: [
        index('filebeat-8.12-2023.05', FILEBEAT_MAPPING),
        index('logs-legacy-2019', LEGACY_MAPPING),
        index('logs-proxy-2022', { '@timestamp': 'date', 'url.domain': 'constant_keyword', 'url.full': 'text', 'url.original': 'keyword' }),
      ],
    });
    expect(plan.groups).toEqual([
      {
        key: 'g0',
        indices: ['filebeat-8.12-2023.05'],
        fields: [
          { field: 'url.domain', queryField: 'url.domain', kind: 'domain', type: 'keyword' },
          { field: 'tls.client.server_name', queryField: 'tls.client.server_name', kind: 'domain', type: 'keyword' },
          { field: 'url.full', queryField: 'url.full', kind: 'url', type: 'wildcard' },
          { field: 'url.original', queryField: 'url.original', kind: 'url', type: 'wildcard' },
        ],
      },
      // A dynamic mapping: url.full is text with a url.full.keyword subfield (issue 13, item 5).
      { key: 'g1', indices: ['logs-legacy-2019'], fields: [{ field: 'url.full', queryField: 'url.full.keyword', kind: 'url', type: 'keyword' }] },
      {
        key: 'g2',
        indices: ['logs-proxy-2022'],
        fields: [
          { field: 'url.domain', queryField: 'url.domain', kind: 'domain', type: 'constant_keyword' },
          { field: 'url.original', queryField: 'url.original', kind: 'url', type: 'keyword' },
        ],
      },
    ]);
    expect(plan.skipped).toEqual([]);
    // Only text, no subfield: no exact value to search, said once per field.
    expect(plan.warnings).toEqual([
      'logs-legacy-2019: dns.question.name is mapped as text without a keyword subfield: not hunted there',
      'logs-proxy-2022: url.full is mapped as text without a keyword subfield: not hunted there',
    ]);
  });

  it('takes candidate fields only from the kinds of the hunted IOCs', () => {
    const winlogbeat = index('winlogbeat-8.11-2021.09', { ...WINLOGBEAT_MAPPING, 'host.ip': 'ip' });
    const ipsOnly = planHunt({ ...BASE, iocs: [IP], indices: [winlogbeat] });
    expect(ipsOnly.groups).toEqual([{ key: 'g0', indices: ['winlogbeat-8.11-2021.09'], fields: [{ field: 'host.ip', queryField: 'host.ip', kind: 'ip', type: 'ip' }] }]);

    const hashes = planHunt({ ...BASE, iocs: [makeIoc(SHA256)], indices: [winlogbeat, index('logs-zeek-2021', ZEEK_MAPPING)] });
    expect(hashes.groups).toEqual([
      {
        key: 'g0',
        indices: ['winlogbeat-8.11-2021.09'],
        fields: [
          { field: 'file.hash.sha256', queryField: 'file.hash.sha256', kind: 'hash', type: 'keyword' },
          { field: 'process.hash.md5', queryField: 'process.hash.md5', kind: 'hash', type: 'keyword' },
          { field: 'process.hash.sha256', queryField: 'process.hash.sha256', kind: 'hash', type: 'keyword' },
          { field: 'related.hash', queryField: 'related.hash', kind: 'hash', type: 'keyword' },
        ],
      },
    ]);
    expect(hashes.skipped).toEqual([{ index: 'logs-zeek-2021', reason: 'maps none of the fields the IOCs match on' }]);
  });

  it('uses the configured field table, in its order', () => {
    const fields: MatchFields = { ...DEFAULT_MATCH_FIELDS, ip: ['related.ip', 'source.ip'], domain: ['related.hosts'] };
    const plan = planHunt({ ...BASE, fields, indices: [index('logs-zeek-2021', ZEEK_MAPPING)] });
    expect(plan.groups).toEqual([
      {
        key: 'g0',
        indices: ['logs-zeek-2021'],
        fields: [
          { field: 'related.ip', queryField: 'related.ip', kind: 'ip', type: 'ip' },
          { field: 'source.ip', queryField: 'source.ip', kind: 'ip', type: 'ip' },
          { field: 'related.hosts', queryField: 'related.hosts', kind: 'domain', type: 'keyword' },
        ],
      },
    ]);
  });

  it('plans nothing to run when no index can be searched', () => {
    const plan = planHunt({ ...BASE, indices: [index('logs-zeek-2020', ZEEK_MAPPING, true)] });
    expect(plan).toEqual({
      since: BASE.since,
      until: BASE.until,
      timestampField: '@timestamp',
      groups: [],
      slices: [
        { key: '2021-03', from: '2021-03-15T00:00:00.000Z', until: '2021-04-01T00:00:00.000Z' },
        { key: '2021-04', from: '2021-04-01T00:00:00.000Z', until: '2021-05-01T00:00:00.000Z' },
        { key: '2021-05', from: '2021-05-01T00:00:00.000Z', until: '2021-05-10T12:00:00.000Z' },
      ],
      batches: [],
      units: [],
      skipped: [{ index: 'logs-zeek-2020', reason: 'closed' }],
      warnings: [],
    });
  });
});

describe('planHunt: time slices', () => {
  const zeek = [index('logs-zeek-2021', ZEEK_MAPPING)];

  it('cuts a range that starts and ends mid-month at UTC month boundaries', () => {
    const plan = planHunt({ ...BASE, indices: zeek, since: '2020-12-20T06:00:00Z', until: '2021-03-15T12:30:00Z' });
    expect(plan.slices).toEqual([
      { key: '2020-12', from: '2020-12-20T06:00:00.000Z', until: '2021-01-01T00:00:00.000Z' },
      { key: '2021-01', from: '2021-01-01T00:00:00.000Z', until: '2021-02-01T00:00:00.000Z' },
      { key: '2021-02', from: '2021-02-01T00:00:00.000Z', until: '2021-03-01T00:00:00.000Z' },
      { key: '2021-03', from: '2021-03-01T00:00:00.000Z', until: '2021-03-15T12:30:00.000Z' },
    ]);
  });

  it('keys a slice by its UTC month whatever the offset of the input', () => {
    const plan = planHunt({ ...BASE, indices: zeek, since: '2021-04-01T00:30:00+02:00', until: '2021-05-01T00:00:00.000Z' });
    expect(plan.slices).toEqual([
      { key: '2021-03', from: '2021-03-31T22:30:00.000Z', until: '2021-04-01T00:00:00.000Z' },
      { key: '2021-04', from: '2021-04-01T00:00:00.000Z', until: '2021-05-01T00:00:00.000Z' },
    ]);
  });

  it('adds no empty slice when the range ends on a month boundary', () => {
    const plan = planHunt({ ...BASE, indices: zeek, since: '2021-03-01T00:00:00.000Z', until: '2021-05-01T00:00:00.000Z' });
    expect(plan.slices).toEqual([
      { key: '2021-03', from: '2021-03-01T00:00:00.000Z', until: '2021-04-01T00:00:00.000Z' },
      { key: '2021-04', from: '2021-04-01T00:00:00.000Z', until: '2021-05-01T00:00:00.000Z' },
    ]);
  });

  it('cuts yearly slices at UTC new year', () => {
    const plan = planHunt({ ...BASE, indices: zeek, slice: 'year', since: '2020-11-15T00:00:00.000Z', until: '2022-02-01T00:00:00.000Z' });
    expect(plan.slices).toEqual([
      { key: '2020', from: '2020-11-15T00:00:00.000Z', until: '2021-01-01T00:00:00.000Z' },
      { key: '2021', from: '2021-01-01T00:00:00.000Z', until: '2022-01-01T00:00:00.000Z' },
      { key: '2022', from: '2022-01-01T00:00:00.000Z', until: '2022-02-01T00:00:00.000Z' },
    ]);
  });

  it('makes the whole range one slice with `none`', () => {
    const plan = planHunt({ ...BASE, indices: zeek, slice: 'none', since: '2024-05-01T00:00:00.000Z', until: '2024-05-02T08:00:00.000Z' });
    expect(plan.slices).toEqual([
      { key: '2024-05-01T00:00:00.000Z..2024-05-02T08:00:00.000Z', from: '2024-05-01T00:00:00.000Z', until: '2024-05-02T08:00:00.000Z' },
    ]);
  });

  it('gives no slices and no units when since is not before until', () => {
    for (const slice of ['month', 'year', 'none'] as const) {
      const same = planHunt({ ...BASE, indices: zeek, slice, since: '2021-03-01T00:00:00.000Z', until: '2021-03-01T00:00:00.000Z' });
      const reversed = planHunt({ ...BASE, indices: zeek, slice, since: '2021-05-01T00:00:00.000Z', until: '2021-03-01T00:00:00.000Z' });
      expect([same.slices, same.units, reversed.slices, reversed.units]).toEqual([[], [], [], []]);
    }
  });
});

describe('planHunt: IOC batches', () => {
  const zeek = [index('logs-zeek-2021', ZEEK_MAPPING)];

  // Once a `terms` query on an `ip` field holds one CIDR, Elasticsearch/OpenSearch turn every value
  // of it into its own clause, exact IPs included: CIDRs therefore get batches of their own.
  it('puts exact values in one batch and CIDRs in one of their own under the limits, canonical and sorted per kind', () => {
    const plan = planHunt({
      ...BASE,
      iocs: [
        makeIoc('hxxp://Malware.EXAMPLE/payload.bin'),
        makeIoc('Phish@Evil-Mail.example'),
        makeIoc(MD5),
        makeIoc(SHA256.toUpperCase()),
        makeIoc('bücher-update.example'),
        DOMAIN,
        makeIoc('2a0d:5600:24::/48'),
        NETWORK,
        IP,
        makeIoc('2001:67c:2e8:22::c100:68b'),
      ],
      indices: zeek,
    });
    expect(plan.batches).toEqual([
      {
        key: 'b0',
        exactIps: ['2001:67c:2e8:22::c100:68b', '45.83.1.2'],
        cidrs: [],
        values: {
          domain: ['evil-c2.example', 'xn--bcher-update-dlb.example'],
          url: ['http://malware.example/payload.bin'],
          hash: [SHA256, MD5],
          email: ['phish@evil-mail.example'],
        },
        subdomains: { registered: ['evil-c2.example', 'xn--bcher-update-dlb.example'], suffixes: [] },
        iocCount: 8,
      },
      { key: 'b1', exactIps: [], cidrs: ['185.220.101.0/24', '2a0d:5600:24::/48'], values: {}, iocCount: 2 },
    ]);
  });

  it('caps the values per batch at maxTerms: 7 IPs with maxTerms 3 make 3 batches', () => {
    const plan = planHunt({ ...BASE, iocs: sevenIps(), indices: zeek, maxTerms: 3 });
    expect(plan.batches).toEqual([
      { key: 'b0', exactIps: ['185.220.101.47', '193.29.56.12', '194.26.29.113'], cidrs: [], values: {}, iocCount: 3 },
      { key: 'b1', exactIps: ['45.83.1.2', '5.188.86.172', '91.243.44.11'], cidrs: [], values: {}, iocCount: 3 },
      { key: 'b2', exactIps: ['2001:67c:2e8:22::c100:68b'], cidrs: [], values: {}, iocCount: 1 },
    ]);
  });

  it('cuts a batch when its values, once per field of their kind, would pass maxQueryBytes', () => {
    const ips = ['185.220.101.47', '193.29.56.12', '194.26.29.113', '45.83.1.2', '5.188.86.172', '91.243.44.11'];
    const fields = planHunt({ ...BASE, iocs: sevenIps(), indices: zeek }).groups[0]!.fields.filter((f) => f.kind === 'ip').length;
    // Each value costs (length + 3) bytes per ip field: room for exactly the first two sorted IPs per batch.
    const budget = (ips[0]!.length + 3 + ips[1]!.length + 3) * fields;
    const plan = planHunt({ ...BASE, iocs: sevenIps(), indices: zeek, maxQueryBytes: budget });
    expect(plan.batches[0]?.exactIps).toEqual(ips.slice(0, 2));
    expect(plan.batches.flatMap((b) => b.exactIps).sort()).toEqual([...ips, '2001:67c:2e8:22::c100:68b'].sort());
    for (const batch of plan.batches) expect(batch.exactIps.reduce((n, v) => n + (v.length + 3) * fields, 0) <= budget || batch.exactIps.length === 1).toBe(true);
    // One value larger than the budget still gets a batch of its own.
    expect(planHunt({ ...BASE, iocs: sevenIps(), indices: zeek, maxQueryBytes: 1 }).batches).toHaveLength(7);
  });

  it('sends at most floor((maxClauses - F) / N) CIDRs per batch for N ip fields among F candidate fields, after the exact values', () => {
    // filebeat: source.ip and destination.ip as `ip` (N = 2), url.domain (F = 3): floor((10 - 3) / 2) = 3.
    // Exact IPs and domains never share a batch with CIDRs: with one CIDR in a `terms` query on an
    // `ip` field, Elasticsearch/OpenSearch make every value of it a clause, exact IPs included.
    const iocs = [
      DOMAIN,
      ...['185.220.100.0/24', '185.220.101.0/24', '185.220.102.0/24', '193.29.56.0/24', '194.26.29.0/24', '45.83.4.0/22', '2a0d:5600:24::/48'].map((cidr) => makeIoc(cidr)),
      IP,
      makeIoc('91.243.44.11'),
    ];
    const plan = planHunt({
      ...BASE,
      iocs,
      indices: [index('filebeat-8.12-2023.05', { '@timestamp': 'date', 'source.ip': 'ip', 'destination.ip': 'ip', 'url.domain': 'keyword' })],
      maxClauses: 10,
    });
    expect(plan.groups[0]?.fields).toHaveLength(3);
    expect(plan.batches).toEqual([
      { key: 'b0', exactIps: ['45.83.1.2', '91.243.44.11'], cidrs: [], values: { domain: ['evil-c2.example'] }, subdomains: { registered: ['evil-c2.example'], suffixes: [] }, iocCount: 3 },
      { key: 'b1', exactIps: [], cidrs: ['185.220.100.0/24', '185.220.101.0/24', '185.220.102.0/24'], values: {}, iocCount: 3 },
      { key: 'b2', exactIps: [], cidrs: ['193.29.56.0/24', '194.26.29.0/24', '45.83.4.0/22'], values: {}, iocCount: 3 },
      { key: 'b3', exactIps: [], cidrs: ['2a0d:5600:24::/48'], values: {}, iocCount: 1 },
    ]);
  });

  it('budgets CIDRs for the widest group when groups differ', () => {
    // filebeat has F = 4 and N = 2, zeek F = 5 and N = 3: the budget takes the largest of each, floor((12 - 5) / 3) = 2.
    // b0 holds the domain alone: CIDRs get batches of their own, after the exact values.
    const cidrs = ['185.220.100.0/24', '185.220.101.0/24', '185.220.102.0/24', '193.29.56.0/24', '194.26.29.0/24'];
    const plan = planHunt({
      ...BASE,
      iocs: [DOMAIN, ...cidrs.map((c) => makeIoc(c))],
      indices: [index('filebeat-8.12-2023.05', FILEBEAT_MAPPING), index('logs-zeek-2021', ZEEK_MAPPING)],
      maxClauses: 12,
    });
    expect(plan.batches.map((b) => b.cidrs)).toEqual([
      [],
      ['185.220.100.0/24', '185.220.101.0/24'],
      ['185.220.102.0/24', '193.29.56.0/24'],
      ['194.26.29.0/24'],
    ]);
  });

  it('does not limit CIDRs per batch when no field is mapped as ip', () => {
    const cidrs = ['185.220.100.0/24', '185.220.101.0/24', '185.220.102.0/24', '193.29.56.0/24'];
    const plan = planHunt({ ...BASE, iocs: cidrs.map((c) => makeIoc(c)), indices: [index('logs-legacy-2019', LEGACY_MAPPING)], maxClauses: 3 });
    expect(plan.batches).toEqual([{ key: 'b0', exactIps: [], cidrs, values: {}, iocCount: 4 }]);
  });

  it('always allows one CIDR per batch, even when the fields alone use up maxClauses', () => {
    const plan = planHunt({ ...BASE, iocs: [makeIoc('185.220.100.0/24'), NETWORK], indices: zeek, maxClauses: 4 });
    expect(plan.batches).toEqual([
      { key: 'b0', exactIps: [], cidrs: ['185.220.100.0/24'], values: {}, iocCount: 1 },
      { key: 'b1', exactIps: [], cidrs: ['185.220.101.0/24'], values: {}, iocCount: 1 },
    ]);
  });

  it('gives the same batches, groups and unit keys for the same input in another order', () => {
    const iocs = [...sevenIps(), NETWORK, DOMAIN, makeIoc('update.evil-c2.example'), makeIoc(SHA256)];
    const input: PlanHuntInput = { ...BASE, iocs, maxTerms: 4 };
    const shuffled: PlanHuntInput = { ...input, iocs: [...iocs].reverse(), indices: [...INDICES].reverse() };
    const plan = planHunt(input);
    // 10 exact values in batches of 4 (b0-b2), then the CIDR in a batch of its own (b3).
    expect(plan.batches.map((b) => b.key)).toEqual(['b0', 'b1', 'b2', 'b3']);
    expect(planHunt(shuffled)).toEqual(plan);
  });

  it('makes no batch without IOCs', () => {
    expect(planHunt({ ...BASE, iocs: [] })).toMatchObject({ batches: [], units: [], groups: [] });
  });
});

describe('planHunt: units', () => {
  it('crosses groups, slices and batches into keys group:slice:batch', () => {
    const plan = planHunt({
      ...BASE,
      iocs: [IP, makeIoc('91.243.44.11'), DOMAIN],
      indices: [index('logs-zeek-2021', ZEEK_MAPPING), index('filebeat-8.12-2023.05', FILEBEAT_MAPPING)],
      since: '2021-03-15T00:00:00.000Z',
      until: '2021-04-20T00:00:00.000Z',
      maxTerms: 2,
    });
    expect(plan.units).toEqual([
      { key: 'g0:2021-03:b0', group: 0, slice: 0, batch: 0 },
      { key: 'g0:2021-03:b1', group: 0, slice: 0, batch: 1 },
      { key: 'g0:2021-04:b0', group: 0, slice: 1, batch: 0 },
      { key: 'g0:2021-04:b1', group: 0, slice: 1, batch: 1 },
      { key: 'g1:2021-03:b0', group: 1, slice: 0, batch: 0 },
      { key: 'g1:2021-03:b1', group: 1, slice: 0, batch: 1 },
      { key: 'g1:2021-04:b0', group: 1, slice: 1, batch: 0 },
      { key: 'g1:2021-04:b1', group: 1, slice: 1, batch: 1 },
    ]);
  });

  it('gives the same unit keys on every run (what --resume relies on)', () => {
    const input: PlanHuntInput = { ...BASE, iocs: [...sevenIps(), ...IOCS], slice: 'year', maxTerms: 4 };
    const keys = planHunt(input).units.map((u) => u.key);
    // 8 distinct IPs and a domain in batches of 4 (b0-b2), then the CIDR in a batch of its own (b3).
    expect(keys).toEqual([
      'g0:2021:b0',
      'g0:2021:b1',
      'g0:2021:b2',
      'g0:2021:b3',
      'g1:2021:b0',
      'g1:2021:b1',
      'g1:2021:b2',
      'g1:2021:b3',
      'g2:2021:b0',
      'g2:2021:b1',
      'g2:2021:b2',
      'g2:2021:b3',
      'g3:2021:b0',
      'g3:2021:b1',
      'g3:2021:b2',
      'g3:2021:b3',
    ]);
    expect(planHunt(input).units.map((u) => u.key)).toEqual(keys);
    expect(planHunt({ ...input, iocs: [...input.iocs].reverse(), indices: [...INDICES].reverse() }).units.map((u) => u.key)).toEqual(keys);
  });
});

describe('planHunt: warnings', () => {
  it('warns once per group whose IP fields are keyword-mapped when there are CIDR IOCs', () => {
    expect(planHunt({ ...BASE, iocs: [IP, NETWORK, makeIoc('2a0d:5600:24::/48'), DOMAIN] }).warnings).toEqual([
      'logs-legacy-2019: source.ip, destination.ip mapped as keyword: 2 CIDR IOC(s) cannot match there',
      'logs-zeek-2019: source.ip mapped as keyword: 2 CIDR IOC(s) cannot match there',
      'logs-legacy-2019: dns.question.name is mapped as text without a keyword subfield: not hunted there',
    ]);
  });

  it('does not warn without CIDR IOCs, or when every IP field is mapped as ip', () => {
    expect(planHunt({ ...BASE, iocs: [IP, DOMAIN] }).warnings.filter((w) => w.includes('CIDR'))).toEqual([]);
    expect(planHunt({ ...BASE, indices: [index('logs-zeek-2021', ZEEK_MAPPING), index('filebeat-8.12-2023.05', FILEBEAT_MAPPING)] }).warnings).toEqual([]);
  });
});

describe('buildUnitQuery', () => {
  const range = (field: string, from: string, until: string) => ({ range: { [field]: { gte: from, lt: until, format: 'strict_date_optional_time' } } });

  it('filters on the slice and sends exact IPs and CIDRs to ip fields, exact IPs only to keyword ones, domains to domain fields', () => {
    const plan = planHunt({ ...BASE, indices: [index('logs-zeek-2019', { ...ZEEK_MAPPING, 'source.ip': 'keyword' })] });
    // The exact values (b0) and the CIDR (b1) are in batches of their own: units[2] and units[3] are the April slice.
    expect(plan.units.slice(2, 4)).toEqual([
      { key: 'g0:2021-04:b0', group: 0, slice: 1, batch: 0 },
      { key: 'g0:2021-04:b1', group: 0, slice: 1, batch: 1 },
    ]);
    expect(buildUnitQuery(plan, plan.units[2]!)).toEqual({
      bool: {
        filter: [
          range('@timestamp', '2021-04-01T00:00:00.000Z', '2021-05-01T00:00:00.000Z'),
          {
            bool: {
              should: [
                { terms: { 'source.ip': ['45.83.1.2'] } },
                { terms: { 'destination.ip': ['45.83.1.2'] } },
                { terms: { 'related.ip': ['45.83.1.2'] } },
                { terms: { 'dns.question.name': ['evil-c2.example'] } },
                { regexp: { 'dns.question.name': { value: '.*\\.(evil\\-c2\\.example)', flags: 'NONE' } } },
                { terms: { 'related.hosts': ['evil-c2.example'] } },
                { regexp: { 'related.hosts': { value: '.*\\.(evil\\-c2\\.example)', flags: 'NONE' } } },
              ],
              minimum_should_match: 1,
            },
          },
        ],
      },
    });
    expect(buildUnitQuery(plan, plan.units[3]!)).toEqual({
      bool: {
        filter: [
          range('@timestamp', '2021-04-01T00:00:00.000Z', '2021-05-01T00:00:00.000Z'),
          {
            bool: {
              should: [{ terms: { 'destination.ip': ['185.220.101.0/24'] } }, { terms: { 'related.ip': ['185.220.101.0/24'] } }],
              minimum_should_match: 1,
            },
          },
        ],
      },
    });
  });

  it('leaves out a field whose kind has no value in the batch', () => {
    const plan = planHunt({ ...BASE, iocs: [NETWORK, DOMAIN], indices: [index('logs-legacy-2019', { ...LEGACY_MAPPING, 'dns.question.name': 'keyword' })] });
    expect(buildUnitQuery(plan, plan.units[0]!)).toEqual({
      bool: {
        filter: [
          range('@timestamp', '2021-03-15T00:00:00.000Z', '2021-04-01T00:00:00.000Z'),
          {
            bool: {
              should: [{ terms: { 'dns.question.name': ['evil-c2.example'] } }, { regexp: { 'dns.question.name': { value: '.*\\.(evil\\-c2\\.example)', flags: 'NONE' } } }],
              minimum_should_match: 1,
            },
          },
        ],
      },
    });
  });

  it('uses the range field and the whole range of a `none` slice', () => {
    const plan = planHunt({
      ...BASE,
      iocs: [IP],
      indices: [index('filebeat-8.12-2023.05', FILEBEAT_MAPPING)],
      slice: 'none',
      timestampField: 'event.ingested',
      since: '2024-05-01T00:00:00.000Z',
      until: '2024-05-02T08:00:00.000Z',
    });
    expect(plan.units).toEqual([{ key: 'g0:2024-05-01T00:00:00.000Z..2024-05-02T08:00:00.000Z:b0', group: 0, slice: 0, batch: 0 }]);
    expect(buildUnitQuery(plan, plan.units[0]!)).toEqual({
      bool: {
        filter: [
          range('event.ingested', '2024-05-01T00:00:00.000Z', '2024-05-02T08:00:00.000Z'),
          {
            bool: {
              should: [{ terms: { 'source.ip': ['45.83.1.2'] } }, { terms: { 'destination.ip': ['45.83.1.2'] } }],
              minimum_should_match: 1,
            },
          },
        ],
      },
    });
  });

  it('searches a batch override instead of the unit batch', () => {
    const plan = planHunt({ ...BASE, iocs: sevenIps(), indices: [index('filebeat-8.12-2023.05', FILEBEAT_MAPPING)] });
    const half = buildBatch('b0b', [makeIoc('91.243.44.11'), NETWORK]);
    expect(buildUnitQuery(plan, plan.units[2]!, half)).toEqual({
      bool: {
        filter: [
          range('@timestamp', '2021-05-01T00:00:00.000Z', '2021-05-10T12:00:00.000Z'),
          {
            bool: {
              should: [
                { terms: { 'source.ip': ['91.243.44.11', '185.220.101.0/24'] } },
                { terms: { 'destination.ip': ['91.243.44.11', '185.220.101.0/24'] } },
              ],
              minimum_should_match: 1,
            },
          },
        ],
      },
    });
  });
});

describe('sourceFieldsFor', () => {
  const CONTEXT = ['host', 'source', 'destination', 'user', 'url', 'dns', 'observer', 'network', 'event.action'];

  it('returns @timestamp, the candidate fields and the alert context', () => {
    const plan = planHunt({ ...BASE, indices: [index('logs-zeek-2021', ZEEK_MAPPING)] });
    expect(sourceFieldsFor(plan.groups[0]!, plan.timestampField)).toEqual([
      '@timestamp',
      'source.ip',
      'destination.ip',
      'related.ip',
      'dns.question.name',
      'related.hosts',
      ...CONTEXT,
    ]);
  });

  it('keeps @timestamp when the range field is event.ingested, and lists a field configured for two kinds once', () => {
    const fields: MatchFields = { ...DEFAULT_MATCH_FIELDS, ip: ['source.ip'], domain: ['labels.ioc_value'], url: ['labels.ioc_value', 'url.full'] };
    const plan = planHunt({
      ...BASE,
      fields,
      iocs: [IP, DOMAIN, makeIoc('hxxp://Malware.EXAMPLE/payload.bin')],
      indices: [index('filebeat-8.12-2023.05', { ...FILEBEAT_MAPPING, 'labels.ioc_value': 'keyword' })],
      timestampField: 'event.ingested',
    });
    expect(sourceFieldsFor(plan.groups[0]!, plan.timestampField)).toEqual(['@timestamp', 'event.ingested', 'source.ip', 'labels.ioc_value', 'url.full', ...CONTEXT]);
  });
});

describe('purity', () => {
  it('planHunt does not change its input', () => {
    const input: PlanHuntInput = { ...BASE, iocs: [...sevenIps(), ...IOCS], maxTerms: 4 };
    const before = structuredClone(input);
    deepFreeze(input);
    planHunt(input);
    expect(input).toEqual(before);
  });

  it('buildUnitQuery does not change the plan or the override batch', () => {
    const plan: HuntPlan = planHunt({ ...BASE, iocs: [...sevenIps(), ...IOCS], maxTerms: 4 });
    const override = buildBatch('b1a', [IP, NETWORK]);
    const before = structuredClone({ plan, override });
    deepFreeze(plan);
    deepFreeze(override);
    for (const unit of plan.units) buildUnitQuery(plan, unit);
    buildUnitQuery(plan, plan.units[0]!, override);
    sourceFieldsFor(plan.groups[0]!, plan.timestampField);
    expect({ plan, override }).toEqual(before);
  });
});

describe('planHunt: subdomains (issue 13, item 6)', () => {
  const ECS = { '@timestamp': 'date', 'dns.question.name': 'keyword', 'dns.question.registered_domain': 'keyword', 'url.domain': 'keyword', 'url.registered_domain': 'keyword' };
  const shouldOf = (plan: HuntPlan, unit = 0): unknown[] =>
    ((buildUnitQuery(plan, plan.units[unit]!).bool as { filter: { bool?: { should: unknown[] } }[] }).filter[1]!.bool!.should);
  const iocs = [makeIoc('evil-update.com'), makeIoc('c2.evil-update.com'), makeIoc('pages-drop.github.io'), makeIoc('github.io', { hint: 'domain-name' })];

  it('asks the registered-domain field for registered domains and suffix patterns for the rest, where the index fills it', () => {
    const plan = planHunt({ ...BASE, iocs, indices: [{ ...index('logs-ecs', ECS), unfilled: new Set(['url.registered_domain']) }] });
    expect(plan.groups[0]?.fields.map((f) => [f.queryField, f.registeredField])).toEqual([
      ['dns.question.name', 'dns.question.registered_domain'],
      ['url.domain', undefined],
    ]);
    const exact = ['c2.evil-update.com', 'evil-update.com', 'github.io', 'pages-drop.github.io'];
    expect(shouldOf(plan)).toEqual([
      { terms: { 'dns.question.name': exact } },
      { terms: { 'dns.question.registered_domain': ['evil-update.com'] } },
      { regexp: { 'dns.question.name': { value: '.*\\.(c2\\.evil\\-update\\.com|pages\\-drop\\.github\\.io)', flags: 'NONE' } } },
      { terms: { 'url.domain': exact } },
      { regexp: { 'url.domain': { value: '.*\\.(c2\\.evil\\-update\\.com|evil\\-update\\.com|pages\\-drop\\.github\\.io)', flags: 'NONE' } } },
    ]);
  });

  it('groups apart indices that fill the registered-domain field and those that do not', () => {
    const plan = planHunt({ ...BASE, iocs, indices: [index('logs-a', ECS), { ...index('logs-b', ECS), unfilled: new Set(['dns.question.registered_domain']) }] });
    expect(plan.groups.map((g) => g.indices)).toEqual([['logs-a'], ['logs-b']]);
  });

  it('sends exact terms only for IOCs that match exactly: public suffixes, --exact-domains feeds', () => {
    const exact = [makeIoc('github.io', { hint: 'domain-name' }), makeIoc('co.uk', { hint: 'domain-name' }), makeIoc('evil-update.com', { exactDomains: true })];
    const plan = planHunt({ ...BASE, iocs: exact, indices: [index('logs-ecs', ECS)] });
    expect(plan.batches[0]?.subdomains).toBeUndefined();
    expect(shouldOf(plan)).toEqual([{ terms: { 'dns.question.name': ['co.uk', 'evil-update.com', 'github.io'] } }, { terms: { 'url.domain': ['co.uk', 'evil-update.com', 'github.io'] } }]);
  });

  it('cuts batches so the suffix patterns of every domain field stay within maxClauses', () => {
    // 2 domain fields, no registered-domain field: (24 - 2 - 2) / 2 = 10 patterns per field and batch.
    const many = Array.from({ length: 2000 }, (_, i) => makeIoc(`c2-${String(i).padStart(4, '0')}.evil.example`));
    const plan = planHunt({ ...BASE, iocs: many, indices: [index('logs-plain', { '@timestamp': 'date', 'dns.question.name': 'keyword', 'url.domain': 'keyword' })], maxClauses: 24 });
    expect(plan.batches.length).toBeGreaterThan(1);
    expect(plan.batches.reduce((n, b) => n + b.iocCount, 0)).toBe(2000);
    for (let unit = 0; unit < plan.batches.length; unit++) expect(shouldOf(plan, unit).length).toBeLessThanOrEqual(24);
    // Full batches: one more pattern would not fit.
    expect(shouldOf(plan, 0)).toHaveLength(2 + 2 * 10);
  });

  it('holds the suffix patterns of one query to MAX_SUFFIX_PATTERNS_PER_QUERY over all its fields, whatever the clause limit allows', () => {
    // 20,000 domains: the default clause limit alone would let ~330 patterns per field into one query.
    const many = Array.from({ length: 20_000 }, (_, i) => makeIoc(`c2-${String(i).padStart(5, '0')}.evil.example`));
    const plan = planHunt({ ...BASE, iocs: many, indices: [index('logs-plain', { '@timestamp': 'date', 'dns.question.name': 'keyword', 'url.domain': 'keyword', 'related.hosts': 'keyword' })] });
    expect(plan.batches.reduce((n, b) => n + b.iocCount, 0)).toBe(20_000);
    const regexps = (unit: number): number => shouldOf(plan, unit).filter((clause) => 'regexp' in (clause as object)).length;
    for (let unit = 0; unit < plan.batches.length; unit++) expect(regexps(unit)).toBeLessThanOrEqual(MAX_SUFFIX_PATTERNS_PER_QUERY);
    // Full batches: 3 fields, 10 patterns each.
    expect(regexps(0)).toBe(30);
  });
});

describe('batch keys name their IOCs (a resume after a sync redoes what moved, never skips it)', () => {
  const ips = ['185.220.101.47', '193.29.56.12', '194.26.29.113', '45.83.1.2', '5.188.86.172', '91.243.44.11'];
  const zeekIndex: PlanIndex = { name: 'logs-zeek-2021', closed: false, fieldTypes: new Map([['@timestamp', 'date'], ['source.ip', 'ip']]) };
  const base = { fields: DEFAULT_MATCH_FIELDS, indices: [zeekIndex], since: '2021-03-01T00:00:00Z', until: '2021-04-01T00:00:00Z', maxTerms: 2 };

  it('is the place and a digest of the IOC ids, the same for the same IOCs', () => {
    const keys = planWithDigests({ ...base, iocs: ips.map((ip) => makeIoc(ip)) }).batches.map((b) => b.key);
    expect(keys).toHaveLength(3);
    for (const [i, key] of keys.entries()) expect(key).toMatch(new RegExp(`^b${i}\\.[0-9a-f]{10}$`));
    expect(planWithDigests({ ...base, iocs: [...ips].reverse().map((ip) => makeIoc(ip)) }).batches.map((b) => b.key)).toEqual(keys);
    expect(planWithDigests({ ...base, iocs: ips.map((ip) => makeIoc(ip)) }).units.map((u) => u.key.split(':').at(-1))).toEqual(keys);
  });

  it('changes for the batches an added IOC shifts, and only for those', () => {
    const before = planWithDigests({ ...base, iocs: ips.map((ip) => makeIoc(ip)) }).batches.map((b) => b.key);
    // 91.243.44.200 sorts last, after a full batch: the three batches keep their keys, a fourth appears.
    const after = planWithDigests({ ...base, iocs: [...ips, '91.243.44.200'].map((ip) => makeIoc(ip)) }).batches.map((b) => b.key);
    expect(after.slice(0, 3)).toEqual(before);
    expect(after).toHaveLength(4);
    // 77.88.8.8 sorts inside the last batch: that batch and what follows change, the first two do not.
    const inside = planWithDigests({ ...base, iocs: [...ips, '77.88.8.8'].map((ip) => makeIoc(ip)) }).batches.map((b) => b.key);
    expect(inside.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(inside[2]).not.toBe(before[2]);
    // 1.1.1.1 sorts first: every batch boundary moves, every key changes.
    const shifted = planWithDigests({ ...base, iocs: ['1.1.1.1', ...ips].map((ip) => makeIoc(ip)) }).batches.map((b) => b.key);
    for (const key of before) expect(shifted).not.toContain(key);
  });
});
