import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MATCH_FIELDS, MATCH_KINDS, type MatchKind } from '../../../src/core/hunt/match-fields.js';
import { buildTagTargets } from '../../../src/core/live/build-tag-pipeline.js';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { fetchAttachments } from '../../../src/io/live/attach-tag-pipeline.js';
import { loadTagTemplates } from '../../../src/io/live/install-tag-pipeline.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { ANSSI, ANSSI_IPS } from '../../helpers/hunt-corpus.js';
import { runIochunt, stderrLines } from '../../helpers/run-cli.js';
import { useTempFiles } from '../../helpers/temp-files.js';

const { dir } = useTempFiles('live');

/** One IOC value per kind, and an event value that should match it. */
const SAMPLES: Record<MatchKind, { ioc: string; event: string }> = {
  ip: { ioc: '45.155.205.0/24', event: '45.155.205.77' },
  domain: { ioc: 'evil-update.com', event: 'evil-update.com' },
  url: { ioc: 'hxxp://cdn-payload[.]net/drop/stage2.bin', event: 'HTTP://CDN-PAYLOAD.NET/drop/stage2.bin' },
  hash: { ioc: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', event: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  email: { ioc: 'invoice@billing-docs.com', event: 'invoice@billing-docs.com' },
};

function eventWith(field: string, value: string): Record<string, unknown> {
  const event: Record<string, unknown> = { '@timestamp': new Date().toISOString(), message: `probe ${field}` };
  let node = event;
  const parts = field.split('.');
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts.at(-1)!] = field.startsWith('related.') ? ['10.1.2.3', value] : value;
  return event;
}

type Tagged = { tags?: string[]; threat?: { enrichments: { matched: { field: string; atomic: string; type: string; id: string }; indicator: { type: string } }[] } } & Record<string, unknown>;

describe('live tagging on OpenSearch (script strategy), through real indexing', () => {
  const fx = useEngine('opensearch');
  const prefix = uniqueName('live');
  const names = buildResourceNames(prefix);
  const url = (): string[] => ['--url', fx.endpoint.url, '--prefix', prefix];
  const template = `${prefix}-events`;
  const preTemplate = `${prefix}-pre-events`;
  const indices: string[] = [];
  let next = 0;

  /** Bulk-indexes events into a new index created from `tpl` and reads them back. */
  async function ingest(tpl: string, events: Record<string, unknown>[]): Promise<Tagged[]> {
    const index = `${tpl}-${++next}`;
    indices.push(index);
    const body = events.map((e, i) => `${JSON.stringify({ index: { _index: index, _id: String(i) } })}\n${JSON.stringify(e)}\n`).join('');
    const items = await fx.engine.bulk(body, { refresh: true });
    expect(items.map((i) => i.status)).toEqual(events.map(() => 201));
    const docs = await fx.engine.fetchDocuments(index, events.map((_, i) => String(i)));
    return events.map((_, i) => docs.get(String(i))!.source as Tagged);
  }

  beforeAll(async () => {
    const extra = join(dir, 'extra.txt');
    writeFileSync(extra, [...Object.values(SAMPLES).map((s) => s.ioc), '91.92.93.94'].join('\n'));
    expect((await runIochunt(['sync', ...url(), ANSSI])).code).toBe(0);
    expect((await runIochunt(['sync', ...url(), '--feed', 'extra', extra])).code).toBe(0);
    await fx.engine.writePipeline(`${prefix}-pre`, { processors: [{ set: { field: 'pre_ran', value: true } }] });
    for (const [name, final] of [[template, undefined], [preTemplate, `${prefix}-pre`]] as const) {
      await fx.engine.writeIndexTemplate(name, {
        index_patterns: [`${name}-*`],
        priority: 400,
        template: { settings: { number_of_shards: 1, number_of_replicas: 0, ...(final ? { 'index.final_pipeline': final } : {}) } },
      });
    }
    const install = await runIochunt(['pipelines', 'install', ...url(), '--attach', template, '--attach', preTemplate, '--json']);
    expect(install.stderr).toBe('');
    expect(JSON.parse(install.stdout)).toMatchObject({ strategy: 'script', iocs: 161 + 6, attached: [{ target: template, previous: null }, { target: preTemplate, previous: `${prefix}-pre` }] });
  });
  afterAll(async () => {
    await runIochunt(['pipelines', 'remove', ...url()]);
    await fx.engine.deleteIndices([...indices, names.iocs, names.state]);
    await fx.engine.deletePipeline(`${prefix}-pre`);
  });

  it('tags every IOC type on every default field', async () => {
    const cases = MATCH_KINDS.flatMap((kind) => DEFAULT_MATCH_FIELDS[kind].map((field) => ({ kind, field })));
    const docs = await ingest(template, cases.map(({ kind, field }) => eventWith(field, SAMPLES[kind].event)));
    docs.forEach((doc, i) => {
      const { kind, field } = cases[i]!;
      expect(doc.tags, `${kind} on ${field}`).toEqual(['iochunt-match']);
      expect(doc.threat?.enrichments.map((e) => [e.matched.field, e.matched.atomic, e.matched.type]), `${kind} on ${field}`).toEqual([
        [field, SAMPLES[kind].event, 'iochunt_live_tag'],
      ]);
    });
  });

  it('tags addresses inside a CIDR only, and an ANSSI address in a related.ip array', async () => {
    const [inside, outside, related] = await ingest(template, [
      eventWith('destination.ip', '45.155.205.255'),
      eventWith('destination.ip', '45.155.206.0'),
      eventWith('related.ip', ANSSI_IPS[3]!),
    ]);
    expect(inside!.tags).toEqual(['iochunt-match']);
    expect(outside!.threat).toBeUndefined();
    expect(related!.threat?.enrichments.map((e) => e.matched.atomic)).toEqual([ANSSI_IPS[3]]);
  });

  it('leaves events that match nothing with exactly their fields and values', async () => {
    const plain = { '@timestamp': '2026-01-01T00:00:00.000Z', source: { ip: '10.9.8.7', port: 443 }, tags: ['zeek'], dns: { question: { name: 'example.org' } }, n: 1.5 };
    const before2021 = eventWith('destination.ip', ANSSI_IPS[4]!);
    before2021['@timestamp'] = '2020-06-01T00:00:00.000Z';
    const [a, b] = await ingest(template, [plain, before2021]);
    expect(a).toEqual(plain);
    expect(b).toEqual(before2021);
  });

  it('keeps running a final pipeline the template already had', async () => {
    const [doc] = await ingest(preTemplate, [eventWith('source.ip', ANSSI_IPS[0]!)]);
    expect(doc!.pre_ran).toBe(true);
    expect(doc!.tags).toEqual(['iochunt-match']);
  });

  it('a sync adding an IOC makes the next event tag, and --replace makes a dropped IOC stop tagging', async () => {
    const fresh = join(dir, 'fresh.txt');
    writeFileSync(fresh, '93.184.216.34\n');
    const sync = await runIochunt(['sync', ...url(), '--feed', 'fresh', fresh]);
    expect(sync.stdout).toMatch(/live tagging: .* refreshed/);
    const [tagged] = await ingest(template, [eventWith('destination.ip', '93.184.216.34')]);
    expect(tagged!.tags).toEqual(['iochunt-match']);

    const extraLess = join(dir, 'extra-less.txt');
    writeFileSync(extraLess, Object.values(SAMPLES).map((s) => s.ioc).join('\n'));
    expect((await runIochunt(['sync', ...url(), '--feed', 'extra', '--replace', extraLess])).code).toBe(0);
    const [inactive] = await ingest(template, [eventWith('destination.ip', '91.92.93.94')]);
    expect(inactive!.threat).toBeUndefined();
  });

  it('pipelines status shows strategy, IOC-set version and attachments', async () => {
    const run = await runIochunt(['pipelines', 'status', ...url(), '--json']);
    const status = JSON.parse(run.stdout);
    expect(status).toMatchObject({ installed: true, strategy: 'script', setVersion: 4 });
    expect(status.attachments.map((a: { target: string }) => a.target)).toEqual([template, preTemplate].sort());
    // The engine's own counters of the events that went through it (issue 16, item 7).
    expect(status.stats.events).toBeGreaterThan(0);
    expect(status.stats.failed).toBe(0);
    expect(status.stats.processors.map((p: { name: string }) => p.name)).toEqual(['script:iochunt-lookup']);
    const text = await runIochunt(['pipelines', 'status', ...url()]);
    expect(text.stdout).toMatch(new RegExp(`^since the nodes started: ${status.stats.events} event\\(s\\), 0 failed$`, 'm'));
  });

  it('the enrich strategy reshaping script gives the same enrichments from enrich-shaped matches', async () => {
    // The enrich processor writes one object (max_matches 1) or a list; feed both shapes.
    const templates = loadTagTemplates();
    const targets = buildTagTargets(DEFAULT_MATCH_FIELDS);
    const pipeline = `${prefix}-reshape-only`;
    await fx.engine.writePipeline(pipeline, {
      processors: [{ script: { lang: 'painless', source: templates.reshape, params: { targets, iocIndex: names.iocs, graceMs: 0 } } }],
    });
    try {
      const ioc = async (value: string): Promise<Record<string, unknown>> => {
        const hits: Record<string, unknown>[] = [];
        for await (const page of fx.engine.scanDocuments({ index: names.iocs, query: { term: { 'iochunt.value': value } }, source: ['iochunt.id', 'iochunt.value', 'iochunt.cidr', 'iochunt.hunt_from', 'iochunt.valid_until', 'iochunt.active_feeds', 'threat.indicator'] })) hits.push(...page.map((h) => h.source));
        return hits[0]!;
      };
      const event = { ...eventWith('destination.ip', '45.155.205.77'), dns: { question: { name: 'evil-update.com' } } };
      const now = '2026-11-27T00:00:00.000Z';
      const destinationKey = targets.find((t) => t.field === 'destination.ip')!.key;
      const dnsKey = targets.find((t) => t.field === 'dns.question.name')!.key;
      const enrichShaped = { ...event, _iochunt: { now, targets: { [destinationKey]: await ioc('45.155.205.0/24'), [dnsKey]: [await ioc('evil-update.com')] } } };
      const [viaEnrich] = await fx.engine.simulatePipeline(pipeline, [enrichShaped]);
      const [viaScript] = await fx.engine.simulatePipeline(names.tagPipeline, [event]);
      const strip = (doc: Record<string, unknown> | undefined): unknown =>
        JSON.parse(JSON.stringify(doc ?? {}), (key, value: unknown) => (key === 'occurred' ? 'ingest time' : value));
      expect(strip(viaEnrich?.doc?._source)).toEqual(strip(viaScript?.doc?._source));
      expect((viaEnrich?.doc?._source as Tagged).threat?.enrichments.map((e) => e.matched.field)).toEqual(['destination.ip', 'dns.question.name']);
    } finally {
      await fx.engine.deletePipeline(pipeline);
    }
  });

  it('pipelines remove restores the pre-existing final pipeline exactly and deletes the wrapper', async () => {
    const attachments = await fetchAttachments(fx.engine, prefix);
    const wrapper = attachments.find((a) => a.target === preTemplate)!.pipeline;
    expect(wrapper).not.toBe(names.tagPipeline);
    const run = await runIochunt(['pipelines', 'remove', ...url()]);
    expect(run.code).toBe(0);
    const settings = (tpl: Record<string, unknown> | undefined): unknown => (tpl?.template as { settings?: unknown } | undefined)?.settings;
    expect(settings(await fx.engine.fetchIndexTemplate(preTemplate))).toMatchObject({ index: { final_pipeline: `${prefix}-pre` } });
    expect(JSON.stringify(settings(await fx.engine.fetchIndexTemplate(template)))).not.toContain('final_pipeline');
    expect(await fx.engine.fetchPipeline(wrapper)).toBeUndefined();
    expect(await fx.engine.fetchPipeline(names.tagPipeline)).toBeUndefined();
    const [doc] = await ingest(preTemplate, [eventWith('source.ip', ANSSI_IPS[0]!)]);
    expect(doc).toMatchObject({ pre_ran: true });
    expect(doc!.tags).toBeUndefined();
  });
});

describe('live tagging on Elasticsearch, per the processors this build lists', () => {
  const fx = useEngine('elasticsearch');

  // The integ-test build (Maven) has neither script nor enrich: a refusal; a full image: enrich.
  it('installs with the strategy the processors allow, or refuses cleanly with nothing installed', async () => {
    const processors = await fx.engine.fetchIngestProcessors();
    const has = (...types: string[]) => types.every((type) => processors.includes(type));
    const expected = has('enrich', 'script', 'set') ? 'enrich' : has('script', 'set') ? 'script' : undefined;
    const prefix = uniqueName('noingest');
    const auth = ['--url', fx.endpoint.url, '--user', fx.endpoint.user!, '--password', fx.endpoint.password!, '--prefix', prefix];
    const run = await runIochunt(['pipelines', 'install', ...auth, '--json']);
    if (expected === undefined) {
      expect(run.code).toBe(2);
      expect(stderrLines(run)).toEqual([
        expect.stringMatching(/^iochunt: elasticsearch [89]\.\d+\.\d+ at .* has neither the enrich nor the script ingest processor: live tagging cannot run there \(nothing was installed\); use "iochunt hunt --mode incremental" on a schedule instead$/),
      ]);
      expect(await fx.engine.fetchPipeline(`${prefix}-tag`)).toBeUndefined();
    } else {
      try {
        expect(run.code, run.stderr).toBe(0);
        expect(JSON.parse(run.stdout)).toMatchObject({ strategy: expected });
        expect(await fx.engine.fetchPipeline(`${prefix}-tag`)).toBeDefined();
      } finally {
        await runIochunt(['pipelines', 'remove', ...auth]);
        await fx.engine.deleteIndices([`${prefix}-state`]);
      }
    }
  });
});
