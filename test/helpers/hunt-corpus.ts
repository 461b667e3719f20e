import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateSampleEvents, plantedEvents, type Plant, type SampleEventsOptions } from '../../src/core/demo/generate-sample-events.js';
import { buildAlertId } from '../../src/core/hunt/build-alert.js';
import { buildIocId } from '../../src/core/ioc/ioc-id.js';
import { parseIocs } from '../../src/core/ioc/parse-iocs.js';
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
