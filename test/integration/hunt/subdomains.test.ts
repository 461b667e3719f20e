import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAlertId } from '../../../src/core/hunt/build-alert.js';
import { DEFAULT_MATCH_FIELDS } from '../../../src/core/hunt/match-fields.js';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import { fetchPlanIndices } from '../../../src/io/hunt/fetch-hunt-inputs.js';
import { runHunt } from '../../../src/io/hunt/run-hunt.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { InterruptedError } from '../../../src/errors.js';
import { fetchAlertIds, prefixIndices } from '../../helpers/alert-ids.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { useTempFiles } from '../../helpers/temp-files.js';

const { file } = useTempFiles('subdomains');

const keyword = { type: 'keyword' };
/** ECS-style: `dns.question.registered_domain` filled by the shipper, `url.registered_domain` mapped but left empty. */
const ECS_MAPPING = {
  properties: {
    '@timestamp': { type: 'date' },
    dns: { properties: { question: { properties: { name: keyword, registered_domain: keyword } } } },
    url: { properties: { domain: keyword, registered_domain: keyword } },
    related: { properties: { hosts: keyword } },
  },
};
/** No registered-domain field at all: subdomains are found by suffix patterns only. */
const PLAIN_MAPPING = { properties: { '@timestamp': { type: 'date' }, url: { properties: { domain: keyword } } } };

const FEED = ['evil-update.com', 'c2.evil-update.com', 'co.uk', 'github.io', 'pages-drop.github.io'];
const EXACT_FEED = ['exact-only.net'];

/**
 * Subdomains (issue 13, item 6): a domain IOC matches its subdomains by default, at a label
 * boundary, never below a public suffix (ICANN or private), never for a feed loaded with
 * `--exact-domains`, nor for a hunt run with it; resumed and re-run hunts stay exact.
 */
describe.each(['opensearch', 'elasticsearch'] as const)('subdomain hunting on %s', (flavor) => {
  const fx = useEngine(flavor);
  const prefix = uniqueName('subdomains');
  const ecs = `${prefix}-logs-ecs`;
  const plain = `${prefix}-logs-plain`;
  const logs = `${prefix}-logs-*`;
  const at = (month: number): string => `2024-0${month}-15T10:00:00Z`;
  /** [index, _id, event, IOCs it must match]. */
  const events: [string, string, Record<string, unknown>, string[]][] = [
    [ecs, 'registered-sub', { '@timestamp': at(1), dns: { question: { name: 'cdn.evil-update.com', registered_domain: 'evil-update.com' } } }, ['evil-update.com']],
    [ecs, 'under-two', { '@timestamp': at(2), dns: { question: { name: 'x.c2.evil-update.com', registered_domain: 'evil-update.com' } } }, ['evil-update.com', 'c2.evil-update.com']],
    [ecs, 'unfilled-sub', { '@timestamp': at(3), url: { domain: 'a.b.evil-update.com' } }, ['evil-update.com']],
    [ecs, 'related-sub', { '@timestamp': at(1), related: { hosts: ['www.evil-update.com'] } }, ['evil-update.com']],
    [ecs, 'label-boundary', { '@timestamp': at(2), dns: { question: { name: 'xevil-update.com', registered_domain: 'xevil-update.com' } } }, []],
    [ecs, 'suffix-not-parent', { '@timestamp': at(3), dns: { question: { name: 'evil-update.com.attacker.net', registered_domain: 'attacker.net' } } }, []],
    [plain, 'shared-hosting-sub', { '@timestamp': at(1), url: { domain: 'cdn.pages-drop.github.io' } }, ['pages-drop.github.io']],
    [plain, 'exact', { '@timestamp': at(2), url: { domain: 'evil-update.com' } }, ['evil-update.com']],
    [plain, 'public-suffix-exact', { '@timestamp': at(2), url: { domain: 'github.io' } }, ['github.io']],
    [plain, 'private-suffix-sub', { '@timestamp': at(3), url: { domain: 'foo.github.io' } }, []],
    [plain, 'icann-suffix-sub', { '@timestamp': at(1), url: { domain: 'x.co.uk' } }, []],
    [plain, 'sibling', { '@timestamp': at(2), url: { domain: 'other.github.io' } }, []],
    [plain, 'exact-feed-sub', { '@timestamp': at(3), url: { domain: 'www.exact-only.net' } }, []],
    [plain, 'exact-feed', { '@timestamp': at(3), url: { domain: 'exact-only.net' } }, ['exact-only.net']],
  ];
  /** The events whose only matches are exact names. */
  const EXACT_EVENTS = ['exact', 'public-suffix-exact', 'exact-feed'];
  const idsOf = (keep: (id: string) => boolean): string[] =>
    events.flatMap(([index, id, , iocs]) => (keep(id) ? iocs.map((ioc) => buildAlertId(index, id, buildIocId('domain-name', ioc))) : [])).sort();
  const exactOnly = idsOf((id) => EXACT_EVENTS.includes(id));
  const everything = idsOf(() => true);
  const scope = { prefix, index: [logs], since: '2024-01-01T00:00:00Z', until: '2024-04-01T00:00:00Z', slice: 'month' as const };

  beforeAll(async () => {
    await fx.engine.createIndex(ecs, { mappings: ECS_MAPPING });
    await fx.engine.createIndex(plain, { mappings: PLAIN_MAPPING });
    const body = events.map(([index, id, doc]) => `${JSON.stringify({ create: { _index: index, _id: id } })}\n${JSON.stringify(doc)}\n`).join('');
    const items = await fx.engine.bulk(body, { refresh: true });
    expect(items.every((item) => item.status === 201)).toBe(true);
    await syncIocs(fx.engine, { sources: [file(`feed-${flavor}.txt`, FEED.join('\n'))], prefix, feed: 'subdomains' });
    await syncIocs(fx.engine, { sources: [file(`exact-${flavor}.txt`, EXACT_FEED.join('\n'))], prefix, feed: 'exact', exactDomains: true });
  });
  afterAll(async () => {
    await fx.engine.deleteIndices([ecs, plain, ...prefixIndices(prefix)]);
  });

  it('the corpus holds subdomain hits the exact rule misses', () => {
    expect(exactOnly.length).toBe(3);
    expect(everything.length).toBe(9);
  });

  it('uses a registered-domain field only where the index fills it', async () => {
    const indices = await fetchPlanIndices(fx.engine, [logs], DEFAULT_MATCH_FIELDS);
    const byName = new Map(indices.map((index) => [index.name, index]));
    expect([...(byName.get(ecs)?.unfilled ?? [])]).toEqual(['url.registered_domain']);
    expect(byName.get(plain)?.unfilled).toBeUndefined();
  });

  it('--exact-domains, interrupted and resumed without the flag, finds the exact names only', async () => {
    const stop = new AbortController();
    let runId = '';
    const interrupted = runHunt(fx.engine, {
      ...scope,
      exactDomains: true,
      concurrency: 1,
      signal: stop.signal,
      onRunId: (id) => (runId = id),
      onProgress: (progress) => {
        if (progress.unitsDone >= 1) stop.abort();
      },
    });
    await expect(interrupted).rejects.toBeInstanceOf(InterruptedError);
    const resumed = await runHunt(fx.engine, { prefix, resume: runId });
    expect(resumed.units.resumed).toBeGreaterThan(0);
    expect(await fetchAlertIds(fx.engine, prefix)).toEqual(exactOnly);
  });

  it('by default finds every planted subdomain hit and none of the negatives', async () => {
    const summary = await runHunt(fx.engine, scope);
    expect(await fetchAlertIds(fx.engine, prefix)).toEqual(everything);
    expect(summary.progress.alertsCreated).toBe(everything.length - exactOnly.length);
    expect(summary.progress.alreadyFound).toBe(exactOnly.length);
  });

  it('re-running it writes no new alert', async () => {
    const summary = await runHunt(fx.engine, scope);
    expect(summary.progress.alertsCreated).toBe(0);
    expect(summary.progress.alreadyFound).toBe(everything.length);
    expect(await fetchAlertIds(fx.engine, prefix)).toEqual(everything);
  });
});
