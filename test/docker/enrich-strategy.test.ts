/**
 * The full enrich path needs Elastic's default distribution (enrich and ingest-common modules),
 * which no Maven artifact carries. This suite runs it under testcontainers: `npm run test:docker`
 * on a machine with a Docker engine. Without one it fails and says so; it never skips.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/io/engine/connect.js';
import type { Engine } from '../../src/io/engine/engine.js';
import { installTagPipeline } from '../../src/io/live/install-tag-pipeline.js';
import { syncIocs } from '../../src/io/sync/sync-iocs.js';
import { ANSSI, ANSSI_IPS } from '../helpers/hunt-corpus.js';
import { AGREE_EVENTS, AGREE_IOCS, AGREE_NOW } from '../helpers/live-corpus.js';

const IMAGE = 'docker.elastic.co/elasticsearch/elasticsearch:8.19.9';

describe('enrich strategy on the Elasticsearch default distribution (testcontainers)', () => {
  let engine: Engine;
  let stop: () => Promise<void> = async () => undefined;
  const dir = mkdtempSync(join(tmpdir(), 'iochunt-enrich-'));

  beforeAll(async () => {
    const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
    try {
      await getContainerRuntimeClient();
    } catch (error) {
      throw new Error(`test:docker needs a Docker engine for ${IMAGE} (the enrich processor is not on Maven Central): ${(error as Error).message}`);
    }
    const container = await new GenericContainer(IMAGE)
      .withEnvironment({ 'discovery.type': 'single-node', 'xpack.security.enabled': 'false', ES_JAVA_OPTS: '-Xms1g -Xmx1g' })
      .withExposedPorts(9200)
      .withWaitStrategy(Wait.forHttp('/_cluster/health', 9200).forStatusCode(200))
      .withStartupTimeout(240_000)
      .start();
    stop = async () => {
      await container.stop();
    };
    engine = await connect({ url: `http://${container.getHost()}:${container.getMappedPort(9200)}` });
  }, 300_000);
  afterAll(async () => {
    await engine?.close();
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tags events through enrich policies, identically in shape to the script strategy', async () => {
    const prefix = 'enrich-test';
    const extra = join(dir, 'extra.txt');
    writeFileSync(extra, 'evil-update.com\n45.155.205.0/24\n');
    await syncIocs(engine, { sources: [ANSSI], prefix });
    await syncIocs(engine, { sources: [extra], prefix, feed: 'extra' });
    const report = await installTagPipeline(engine, { prefix });
    expect(report).toMatchObject({ strategy: 'enrich', iocs: 163 });
    expect(report.enrichPolicies?.sort()).toEqual(['enrich-test-domain-v2', 'enrich-test-ip-v2']);

    const events = [
      { '@timestamp': new Date().toISOString(), destination: { ip: '45.155.205.77' }, related: { ip: ['10.0.0.1', ANSSI_IPS[0]] } },
      { '@timestamp': new Date().toISOString(), dns: { question: { name: 'evil-update.com' } } },
      { '@timestamp': new Date().toISOString(), source: { ip: '10.0.0.9' } },
    ];
    const results = await engine.simulatePipeline(`${prefix}-tag`, events);
    const enrichments = results.map((r) => ((r.doc?._source.threat as { enrichments?: { matched: { field: string; atomic: string } }[] } | undefined)?.enrichments ?? []).map((e) => [e.matched.field, e.matched.atomic]));
    expect(enrichments).toEqual([
      [
        ['destination.ip', '45.155.205.77'],
        ['related.ip', ANSSI_IPS[0]],
      ],
      [['dns.question.name', 'evil-update.com']],
      [],
    ]);
    expect(results[2]?.doc?._source).toEqual(events[2]);
  }, 300_000);

  it('matches exactly what the script strategy matches, on the same events (issue 16, item 6)', async () => {
    const source = join(dir, 'agree.txt');
    writeFileSync(source, AGREE_IOCS.join('\n'));
    for (const [prefix, strategy] of [['agree-enrich', 'enrich'], ['agree-script', 'script']] as const) {
      await syncIocs(engine, { sources: [source], prefix, feed: 'agree' });
      expect(await installTagPipeline(engine, { prefix, strategy })).toMatchObject({ strategy, iocs: AGREE_IOCS.length });
    }
    const events = Object.entries(AGREE_EVENTS).map(([name, fields]) => ({ '@timestamp': AGREE_NOW, message: name, ...fields }));
    const [viaEnrich, viaScript] = await Promise.all(['agree-enrich-tag', 'agree-script-tag'].map((id) => engine.simulatePipeline(id, events)));
    // The IOC index differs by prefix, and the ingest time by run.
    const comparable = (doc: unknown): unknown => JSON.parse(JSON.stringify(doc), (key, value: unknown) => (key === 'occurred' || key === 'index' ? '-' : value));
    expect(viaEnrich!.map((r) => comparable(r.doc?._source))).toEqual(viaScript!.map((r) => comparable(r.doc?._source)));
    expect(viaEnrich!.filter((r) => (r.doc?._source.tags as string[] | undefined)?.includes('iochunt-match'))).toHaveLength(10);
  }, 300_000);
});
