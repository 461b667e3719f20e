import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateSampleEvents, plantedEvents, type Plant, type SampleEventsOptions } from '../../src/core/demo/generate-sample-events.js';
import { buildAlertId } from '../../src/core/hunt/build-alert.js';
import { buildIocId } from '../../src/core/ioc/ioc-id.js';
import { parseIocs } from '../../src/core/ioc/parse-iocs.js';
import { buildResourceNames } from '../../src/core/resource-names.js';
import type { IocType } from '../../src/core/ioc/types.js';
import type { Engine } from '../../src/io/engine/engine.js';
import { loadResource } from '../../src/io/load-resource.js';
import { writeSampleEvents } from '../../src/io/demo/write-sample-events.js';

export const ANSSI = fileURLToPath(new URL('../fixtures/iocs/CERTFR-2021-IOC-003-IOC.csv', import.meta.url));
export const ANSSI_IPS = parseIocs(readFileSync(ANSSI, 'utf8'), { file: ANSSI }).iocs.map((i) => i.value);

/** A second feed with every other IOC type (public-looking values, none reserved). */
export const EXTRA_FEED = [
  'evil-update.com',
  '45.155.205.0/24',
  'hxxp://cdn-payload[.]net/drop/stage2.bin',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'invoice@billing-docs.com',
].join('\n');

interface PlantedHit extends Plant {
  /** The IOC the event must be found for, or undefined for a decoy that must not match. */
  ioc?: { type: IocType; value: string };
}

/** Events 2020 -> now with known hits; some before 2021 and decoys that must not be reported. */
export function huntPlants(): PlantedHit[] {
  const [a, b, c, d] = ANSSI_IPS as [string, string, string, string];
  return [
    { value: a, kind: 'ip', field: 'destination.ip', at: '2021-03-04T05:06:07.000Z', ioc: { type: 'ipv4-addr', value: a } },
    { value: b, kind: 'ip', field: 'related.ip', at: '2023-05-06T07:08:09.000Z', ioc: { type: 'ipv4-addr', value: b } },
    { value: c, kind: 'ip', field: 'source.ip', at: '2021-07-01T12:00:00.000Z', ioc: { type: 'ipv4-addr', value: c } },
    { value: d, kind: 'ip', field: 'destination.ip', at: '2020-06-01T00:00:00.000Z' }, // before hunt_from
    { value: 'evil-update.com', kind: 'domain', field: 'dns.question.name', at: '2022-02-02T02:02:02.000Z', ioc: { type: 'domain-name', value: 'evil-update.com' } },
    { value: '45.155.205.77', kind: 'ip', field: 'destination.ip', at: '2024-04-04T04:04:04.000Z', ioc: { type: 'ipv4-addr', value: '45.155.205.0/24' } },
    { value: '45.155.206.1', kind: 'ip', field: 'destination.ip', at: '2024-04-05T04:04:04.000Z' }, // just outside the CIDR
    { value: 'http://cdn-payload.net/drop/stage2.bin', kind: 'url', field: 'url.full', at: '2025-01-01T10:00:00.000Z', ioc: { type: 'url', value: 'http://cdn-payload.net/drop/stage2.bin' } },
    { value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', kind: 'hash', field: 'file.hash.sha256', at: '2025-06-01T10:00:00.000Z', ioc: { type: 'file', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } },
    { value: 'invoice@billing-docs.com', kind: 'email', field: 'email.from.address', at: '2022-09-09T09:09:09.000Z', ioc: { type: 'email-addr', value: 'invoice@billing-docs.com' } },
    { value: 'not-evil-update.com', kind: 'domain', field: 'dns.question.name', at: '2022-03-03T03:03:03.000Z' }, // exact domains only
  ];
}

/** One finding of the corpus: the event (its yearly index, time, field and value) and the IOC it matches. */
export interface Finding {
  /** The year of the event's index, `<prefix>-logs-<year>`. */
  year: string;
  /** The event's `@timestamp`. */
  at: string;
  field: string;
  /** The value as the event carries it (`threat.enrichments.matched.atomic`). */
  atomic: string;
  /** The IOC's canonical value (`iochunt.ioc.value`). */
  ioc: string;
}

/**
 * The ground truth of a full hunt of the corpus from 2021-01-01, written by hand from the
 * plants in {@link huntPlants} and the first ANSSI addresses of the fixture (never computed by
 * product code), sorted by time. Deliberately absent: 110.36.231.150 (planted 2020-06-01, before
 * hunt_from), 45.155.206.1 (just outside 45.155.205.0/24), not-evil-update.com (domains match
 * exactly).
 */
export const PLANTED_FINDINGS: readonly Finding[] = [
  { year: '2021', at: '2021-03-04T05:06:07.000Z', field: 'destination.ip', atomic: '105.154.12.165', ioc: '105.154.12.165' },
  { year: '2021', at: '2021-07-01T12:00:00.000Z', field: 'source.ip', atomic: '105.159.122.85', ioc: '105.159.122.85' },
  { year: '2022', at: '2022-02-02T02:02:02.000Z', field: 'dns.question.name', atomic: 'evil-update.com', ioc: 'evil-update.com' },
  { year: '2022', at: '2022-09-09T09:09:09.000Z', field: 'email.from.address', atomic: 'invoice@billing-docs.com', ioc: 'invoice@billing-docs.com' },
  { year: '2023', at: '2023-05-06T07:08:09.000Z', field: 'related.ip', atomic: '105.157.234.0', ioc: '105.157.234.0' },
  { year: '2024', at: '2024-04-04T04:04:04.000Z', field: 'destination.ip', atomic: '45.155.205.77', ioc: '45.155.205.0/24' },
  {
    year: '2025',
    at: '2025-01-01T10:00:00.000Z',
    field: 'url.full',
    atomic: 'http://cdn-payload.net/drop/stage2.bin',
    ioc: 'http://cdn-payload.net/drop/stage2.bin',
  },
  {
    year: '2025',
    at: '2025-06-01T10:00:00.000Z',
    field: 'file.hash.sha256',
    atomic: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ioc: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
];

interface StoredAlert {
  iochunt: { event: { index: string; id: string }; ioc: { value: string } };
  threat: { enrichments: { matched: { atomic: string; field: string } }[] };
}

/**
 * What the alerts index holds, as {@link Finding}s sorted by time: each alert's event is read
 * back from `iochunt.event.index`/`iochunt.event.id`, so the time is the event's own and the
 * event must really carry the matched value in the matched field (else the finding says
 * `atomic: "<not in the event: ...>"`). Alerts of other indices than `<prefix>-logs-*` get year "?".
 */
export async function findingsInAlerts(engine: Engine, prefix: string): Promise<Finding[]> {
  const { alerts } = buildResourceNames(prefix);
  await engine.refresh(alerts);
  const findings: Finding[] = [];
  for await (const page of engine.scanDocuments({ index: alerts })) {
    for (const hit of page) {
      const alert = hit.source as unknown as StoredAlert;
      const { index, id } = alert.iochunt.event;
      const { atomic, field } = alert.threat.enrichments[0]!.matched;
      const event = await engine.fetchDocument(index, id);
      const carried = event === undefined ? [] : valuesAt(event, field);
      findings.push({
        year: index.startsWith(`${prefix}-logs-`) ? index.slice(`${prefix}-logs-`.length) : '?',
        at: String(event?.['@timestamp'] ?? `<no event ${index}/${id}>`),
        field,
        atomic: carried.includes(atomic) ? atomic : `<not in the event: ${atomic}, event has ${JSON.stringify(carried)}>`,
        ioc: alert.iochunt.ioc.value,
      });
    }
  }
  return findings.sort((a, b) => a.at.localeCompare(b.at) || a.ioc.localeCompare(b.ioc));
}

/** The values at a dotted path of a nested document (an array field gives each element). */
function valuesAt(document: Record<string, unknown>, path: string): unknown[] {
  let node: unknown = document;
  for (const key of path.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node === undefined ? [] : Array.isArray(node) ? node : [node];
}

export function corpusOptions(count: number, until = new Date().toISOString()): SampleEventsOptions {
  return { from: '2020-01-01T00:00:00.000Z', until, count, seed: 11, plants: huntPlants(), avoid: [...ANSSI_IPS, '45.155.205.77'] };
}

/** Yearly indices; 2020 and 2021 map `source.ip` as keyword, as older Beats templates did. */
export function yearlyIndex(prefix: string) {
  return {
    indexFor: (event: { timestamp: string }) => `${prefix}-logs-${event.timestamp.slice(0, 4)}`,
    indexBody: (index: string) => {
      const body = loadResource('mappings', 'sample-logs') as { mappings: { properties: { source: { properties: { ip: { type: string } } } } } };
      if (/-(2020|2021)$/.test(index)) body.mappings.properties.source.properties.ip.type = 'keyword';
      return body;
    },
  };
}

export async function writeCorpus(engine: Engine, prefix: string, count: number): Promise<string[]> {
  return (await writeSampleEvents(engine, generateSampleEvents(corpusOptions(count)), yearlyIndex(prefix))).indices;
}

/** Expected alert ids of the corpus: planted events with an IOC, on or after 2021-01-01. */
export function expectedAlertIds(prefix: string, count: number): string[] {
  const hits = plantedEvents(corpusOptions(count)).filter((p) => (p as PlantedHit).ioc && p.timestamp >= '2021-01-01');
  return hits
    .map((p) => {
      const ioc = (p as PlantedHit).ioc!;
      return buildAlertId(`${prefix}-logs-${p.timestamp.slice(0, 4)}`, p.eventId, buildIocId(ioc.type, ioc.value));
    })
    .sort();
}

/** Syncs both feeds the corpus plants hits for: the ANSSI bulletin and {@link EXTRA_FEED}. */
export async function syncCorpusFeeds(engine: Engine, prefix: string): Promise<void> {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { syncIocs } = await import('../../src/io/sync/sync-iocs.js');
  const dir = mkdtempSync(join(tmpdir(), 'iochunt-extra-'));
  try {
    writeFileSync(join(dir, 'extra.txt'), EXTRA_FEED);
    await syncIocs(engine, { sources: [ANSSI], prefix });
    await syncIocs(engine, { sources: [join(dir, 'extra.txt')], prefix, feed: 'extra' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
