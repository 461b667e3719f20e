import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MATCH_FIELDS } from '../../../src/core/hunt/match-fields.js';
import { type IocDocument } from '../../../src/core/ioc/build-ioc-document.js';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import { buildTagTargets, LIVE_IOC_FIELDS, type TagTarget } from '../../../src/core/live/build-tag-pipeline.js';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { removeTagPipeline } from '../../../src/io/live/attach-tag-pipeline.js';
import { installTagPipeline, loadTagTemplates } from '../../../src/io/live/install-tag-pipeline.js';
import { syncIocs } from '../../../src/io/sync/sync-iocs.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { buildEnrichPolicies, buildSubdomainValues, type LiveIoc } from '../../../src/core/live/build-tag-pipeline.js';
import { AGREE_EVENTS as EVENTS, AGREE_EXACT_IOCS as EXACT_IOCS, AGREE_IOCS as IOCS, AGREE_NOW as NOW } from '../../helpers/live-corpus.js';
import { useTempFiles } from '../../helpers/temp-files.js';

const { file } = useTempFiles('strategies');
const LEGACY_ID = 'legacy-hand-made-1';
const LEGACY_DOMAIN = 'legacy-relay.example.net';

type Doc = Record<string, unknown> & { tags?: string[]; iochunt?: { error?: string }; threat?: { enrichments?: { matched: { atomic: string; field: string; id: string } }[] } };

describe('live tagging: the enrich and script strategies match the same events (issue 16, items 5 and 6; issue 15, item 2; issue 13, item 6)', () => {
  const fx = useEngine('opensearch');
  const prefix = uniqueName('agree');
  const names = buildResourceNames(prefix);
  const targets = buildTagTargets(DEFAULT_MATCH_FIELDS);
  const templates = loadTagTemplates();
  const canonPipeline = `${prefix}-canon-only`;
  const reshapePipeline = `${prefix}-reshape-only`;
  const events: Record<string, Record<string, unknown>> = { ...EVENTS, legacyId: { dns: { question: { name: `www.${LEGACY_DOMAIN.toUpperCase()}` } }, url: { domain: LEGACY_DOMAIN } } };
  const event = (name: string): Record<string, unknown> => ({ '@timestamp': NOW, message: name, ...events[name] });
  let subdomainPolicy: { query: Record<string, unknown> } | undefined;
  let parentLabels = 0;

  beforeAll(async () => {
    await syncIocs(fx.engine, { sources: [file('iocs.txt', IOCS.join('\n'))], prefix, feed: 'agree' });
    await syncIocs(fx.engine, { sources: [file('exact.txt', EXACT_IOCS.join('\n'))], prefix, feed: 'agree-exact', exactDomains: true });
    // A document whose id is not the one sync derives (a hand-made or older document): the
    // compact set cannot rebuild it from its value, so it carries the document whole.
    const model = (await fx.engine.fetchDocuments(names.iocs, [buildIocId('domain-name', 'evil-update.com')])).get(buildIocId('domain-name', 'evil-update.com'))?.source as unknown as IocDocument;
    const legacy = structuredClone(model);
    Object.assign(legacy.iochunt, { id: LEGACY_ID, value: LEGACY_DOMAIN });
    Object.assign(legacy.threat.indicator, { name: LEGACY_DOMAIN, url: { domain: LEGACY_DOMAIN } });
    await fx.engine.bulk(`${JSON.stringify({ index: { _index: names.iocs, _id: LEGACY_ID } })}\n${JSON.stringify(legacy)}\n`, { refresh: true });
    const installed = await installTagPipeline(fx.engine, { prefix, strategy: 'script' });
    expect(installed.iocs).toBe(IOCS.length + EXACT_IOCS.length + 1);
    // The enrich strategy's own subdomain policy and parent depth, from the same IOC documents.
    const live: LiveIoc[] = [];
    for await (const page of fx.engine.scanDocuments({ index: names.iocs, query: { term: { 'iochunt.active': true } }, source: [...LIVE_IOC_FIELDS] })) live.push(...page.map((hit) => hit.source as unknown as LiveIoc));
    const subdomains = buildSubdomainValues(live);
    parentLabels = subdomains.labels;
    const policy = buildEnrichPolicies(prefix, names.iocs, 1, new Set(['domain']), subdomains.values).find((p) => p.name.includes('-subdomain-'));
    subdomainPolicy = policy?.match as { query: Record<string, unknown> } | undefined;
    await fx.engine.writePipeline(canonPipeline, { processors: [{ script: { lang: 'painless', source: templates.canon, params: { targets, parentLabels } } }] });
    await fx.engine.writePipeline(reshapePipeline, {
      processors: [{ script: { lang: 'painless', source: templates.reshape, params: { targets, iocIndex: names.iocs, graceMs: 0 } } }],
    });
  });
  afterAll(async () => {
    await removeTagPipeline(fx.engine, prefix);
    for (const id of [canonPipeline, reshapePipeline]) await fx.engine.deletePipeline(id);
    await fx.engine.deleteIndices([names.iocs, names.state]);
  });

  /** What Elasticsearch's enrich processors do with the canonical keys: a term(s) query on the policy's match field. */
  async function enrichLookup(target: TagTarget, keys: string[]): Promise<Record<string, unknown>[]> {
    const query =
      target.kind === 'ip'
        ? { bool: { filter: [{ term: { 'iochunt.active': true } }, { bool: { should: keys.map((key) => ({ term: { 'iochunt.ip_range': key } })) } }] } }
        : { bool: { filter: [{ term: { 'iochunt.active': true } }, { terms: { 'iochunt.value': keys } }] } };
    const docs: Record<string, unknown>[] = [];
    for await (const page of fx.engine.scanDocuments({ index: names.iocs, query, source: [...LIVE_IOC_FIELDS] })) docs.push(...page.map((hit) => hit.source));
    return docs.filter((doc) => matchesKind(doc, target));
  }

  /** What the `subdomain` policy's enrich processor does with the parent keys: its own query, and a terms on `iochunt.value`. */
  async function subdomainLookup(keys: string[]): Promise<Record<string, unknown>[]> {
    if (!subdomainPolicy) return [];
    const query = { bool: { filter: [subdomainPolicy.query, { terms: { 'iochunt.value': keys } }] } };
    const docs: Record<string, unknown>[] = [];
    for await (const page of fx.engine.scanDocuments({ index: names.iocs, query, source: [...LIVE_IOC_FIELDS] })) docs.push(...page.map((hit) => hit.source));
    return docs;
  }

  /** The enrich strategy on OpenSearch: the real canonicalisation script, enrich's lookups, the real reshape script. */
  async function viaEnrich(doc: Record<string, unknown>): Promise<{ result: Doc; canon: Record<string, string[]>; parents: Record<string, string[]> }> {
    const [canonical] = await fx.engine.simulatePipeline(canonPipeline, [doc]);
    const source = canonical?.doc?._source as Record<string, unknown> & { _iochunt?: { canon: Record<string, string[]>; canon_parents?: Record<string, string[]> } };
    const canon = source._iochunt?.canon ?? {};
    const parents = source._iochunt?.canon_parents ?? {};
    const found: Record<string, Record<string, unknown>[]> = {};
    const above: Record<string, Record<string, unknown>[]> = {};
    for (const target of targets) {
      const keys = canon[target.key];
      if (!keys) continue;
      const docs = await enrichLookup(target, keys);
      if (docs.length > 0) found[target.key] = docs;
      const up = parents[target.key] ? await subdomainLookup(parents[target.key]!) : [];
      if (up.length > 0) above[target.key] = up;
    }
    const enriched = {
      ...source,
      _iochunt: { canon, now: NOW, ...(Object.keys(found).length > 0 ? { targets: found } : {}), ...(Object.keys(above).length > 0 ? { parents: above } : {}) },
    };
    const [reshaped] = await fx.engine.simulatePipeline(reshapePipeline, [enriched]);
    return { result: reshaped?.doc?._source as Doc, canon, parents };
  }

  async function viaScript(doc: Record<string, unknown>): Promise<Doc> {
    const [result] = await fx.engine.simulatePipeline(names.tagPipeline, [doc]);
    return result?.doc?._source as Doc;
  }

  const comparable = (doc: Doc): unknown => JSON.parse(JSON.stringify(doc), (key, value: unknown) => (key === 'occurred' ? 'ingest time' : value));
  const atomics = (doc: Doc): string[] => (doc.threat?.enrichments ?? []).map((e) => `${e.matched.field}=${e.matched.atomic}`).sort();

  it('give the same document for every event of the set', async () => {
    for (const name of Object.keys(events)) {
      const [{ result: enrich }, script] = await Promise.all([viaEnrich(event(name)), viaScript(event(name))]);
      expect(comparable(enrich), name).toEqual(comparable(script));
    }
  });

  it('tag from a document the compact set carries whole (an id sync would not derive), exactly and below it', async () => {
    const pipeline = await fx.engine.fetchPipeline(names.tagPipeline);
    const lookup = pipeline?.processors.find((p) => (p.script as { tag?: string } | undefined)?.tag === 'iochunt-lookup')?.script as { params: { details: { doc?: { iochunt: { id: string } } }[] } };
    expect(lookup.params.details.filter((d) => d.doc).map((d) => d.doc?.iochunt.id)).toEqual([LEGACY_ID]);
    const script = await viaScript(event('legacyId'));
    expect(atomics(script)).toEqual([`dns.question.name=www.${LEGACY_DOMAIN.toUpperCase()}`, `url.domain=${LEGACY_DOMAIN}`]);
    expect(script.threat?.enrichments?.map((e) => e.matched.id)).toEqual([LEGACY_ID, LEGACY_ID]);
  });

  it('match what a user expects: other spellings, nested networks both, IPv6 networks, and nothing else', async () => {
    const matched = async (name: string): Promise<string[]> => atomics(await viaScript(event(name)));
    expect(await matched('nestedV4')).toEqual(['source.ip=45.155.205.77', 'source.ip=45.155.205.77']);
    expect(await matched('mappedV4')).toEqual(['destination.ip=::ffff:91.92.93.94']);
    expect(await matched('longV6')).toEqual(['source.ip=2A03:2880:F10C:0083:FACE:B00C:0000:25DE']);
    expect(await matched('nestedV6')).toEqual(['destination.ip=2a00:1450:4001:0:0:0:0:1', 'destination.ip=2a00:1450:4001:0:0:0:0:1']);
    expect(await matched('outerV6Only')).toEqual(['client.ip=2a00:1450:ffff::1']);
    expect(await matched('notAnIp')).toEqual(['related.ip=2a00:1450:4001::99', 'related.ip=2a00:1450:4001::99']);
    expect(await matched('domainCase')).toEqual(['dns.question.name=EVIL-UPDATE.COM.']);
    expect(await matched('urlCase')).toEqual(['url.full=HTTP://CDN-PAYLOAD.NET/drop/stage2.bin']);
    expect(await matched('urlPathCase')).toEqual([]);
    expect(await matched('hashCase')).toEqual(['file.hash.sha256=E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855']);
    expect(await matched('emailCase')).toEqual(['email.from.address=Invoice@Billing-Docs.COM']);
    expect(await matched('miss')).toEqual([]);
  });

  it('tag subdomains at label boundaries, never below a public suffix IOC, never for an --exact-domains feed', async () => {
    const matched = async (name: string): Promise<string[]> => atomics(await viaScript(event(name)));
    expect(await matched('subdomain')).toEqual(['dns.question.name=CDN.Evil-Update.COM.']);
    expect(await matched('deepSubdomain')).toEqual(['url.domain=a.b.evil-update.com']);
    // Under evil-update.com and under c2.evil-update.com: one enrichment per IOC.
    expect(await matched('underTwo')).toEqual(['tls.client.server_name=x.c2.evil-update.com', 'tls.client.server_name=x.c2.evil-update.com']);
    expect(await matched('labelBoundary')).toEqual([]);
    expect(await matched('publicSuffixes')).toEqual([]);
    expect(await matched('publicSuffixExact')).toEqual(['url.domain=GitHub.io']);
    expect(await matched('sharedHosting')).toEqual(['related.hosts=cdn.pages-drop.github.io']);
    // One enrichment for the IOC, on the first value that matches it.
    expect(await matched('exactAndBelow')).toEqual(['related.hosts=www.evil-update.com']);
    expect(await matched('exactFeed')).toEqual(['url.domain=exact-only.net']);
  });

  it('give the subdomain lookup the parents of domain values only, up to the deepest eligible IOC', async () => {
    expect(parentLabels).toBe(3);
    const { parents } = await viaEnrich(event('deepSubdomain'));
    expect(Object.values(parents)).toEqual([['com', 'evil-update.com', 'b.evil-update.com']]);
    const { parents: none } = await viaEnrich(event('nestedV4'));
    expect(none).toEqual({});
  });

  it('give the enrich processors canonical keys only: a value that is not an IP never reaches the range policy', async () => {
    const { canon } = await viaEnrich(event('notAnIp'));
    const related = targets.find((t) => t.field === 'related.ip')!.key;
    expect(canon[related]).toEqual(['2a00:1450:4001::99']);
    const { canon: longForm } = await viaEnrich(event('longV6'));
    expect(Object.values(longForm)).toEqual([['2a03:2880:f10c:83:face:b00c:0:25de']]);
    const { canon: domain } = await viaEnrich(event('domainCase'));
    expect(Object.values(domain)).toEqual([['evil-update.com']]);
  });

  it('keep the other fields\' matches when one lookup failed, and say which field failed (issue 16, item 7)', async () => {
    const doc = { ...event('domainCase'), source: { ip: '45.155.205.77' } };
    const dnsKey = targets.find((t) => t.field === 'dns.question.name')!.key;
    const [domainIoc] = await enrichLookup(targets.find((t) => t.key === dnsKey)!, ['evil-update.com']);
    const failed = { ...doc, _iochunt: { now: NOW, failed: ['source.ip'], targets: { [dnsKey]: [domainIoc] } } };
    const [result] = await fx.engine.simulatePipeline(reshapePipeline, [failed]);
    const source = result?.doc?._source as Doc;
    expect(source.tags).toEqual(['iochunt-error', 'iochunt-match']);
    expect(source.iochunt?.error).toBe('lookup failed for source.ip; matches of the other fields are kept');
    expect(atomics(source)).toEqual(['dns.question.name=EVIL-UPDATE.COM.']);
    expect(source).not.toHaveProperty('_iochunt');
  });
});

/** An enrich policy only returns IOCs of its kind (its query filters threat.indicator.type). */
function matchesKind(doc: Record<string, unknown>, target: TagTarget): boolean {
  const type = (doc.threat as { indicator?: { type?: string } } | undefined)?.indicator?.type;
  const kinds: Record<string, TagTarget['kind']> = { 'ipv4-addr': 'ip', 'ipv6-addr': 'ip', 'domain-name': 'domain', url: 'url', file: 'hash', 'email-addr': 'email' };
  return type !== undefined && kinds[type] === target.kind;
}
