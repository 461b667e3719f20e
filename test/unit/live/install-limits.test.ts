import { describe, expect, it } from 'vitest';
import { buildIocId } from '../../../src/core/ioc/ioc-id.js';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { ConfigError } from '../../../src/errors.js';
import type { EngineInfo, IngestPipeline } from '../../../src/io/engine/engine.js';
import { installTagPipeline } from '../../../src/io/live/install-tag-pipeline.js';
import { FakeEngine } from '../../helpers/fake-engine.js';

/** An Elasticsearch of a given version and ingest processors, holding `iocs` active IP IOCs. */
class FakeElasticsearch extends FakeEngine {
  override readonly info: EngineInfo;
  readonly written: string[] = [];

  constructor(
    version: string,
    private readonly processors: string[],
    private readonly maxPipelineBytes: number | undefined,
  ) {
    super();
    this.info = { flavor: 'elasticsearch', version, major: Number.parseInt(version, 10), clusterName: 'fake', url: 'http://fake:9200' };
  }
  override fetchIngestProcessors = async (): Promise<string[]> => this.processors;
  override fetchPipeline = async (): Promise<IngestPipeline | undefined> => undefined;
  override fetchMaxPipelineBytes = async (): Promise<number | undefined> => this.maxPipelineBytes;
  override writePipeline = async (id: string): Promise<void> => {
    this.written.push(id);
  };
}

function withIocs(engine: FakeEngine, count: number): FakeEngine {
  const docs: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < count; i++) {
    const value = `45.${Math.floor(i / 65_536) % 256}.${Math.floor(i / 256) % 256}.${i % 256}`;
    const id = buildIocId('ipv4-addr', value);
    docs[id] = {
      iochunt: { id, value, hunt_from: '2021-01-01T00:00:00.000Z', active_feeds: ['f'], active: true },
      threat: { indicator: { type: 'ipv4-addr', ip: value, name: value, provider: 'CERT-FR', description: 'relay router of the campaign' } },
    };
  }
  engine.seed(buildResourceNames('iochunt').iocs, docs);
  return engine;
}

describe('installTagPipeline on Elasticsearch: what it refuses before writing anything (issue 16, items 4 and 9)', () => {
  it('refuses a script-strategy pipeline above ingest.pipeline.max_pipeline_size, with the figures', async () => {
    // About 20 bytes per IPv4 IOC in the compact set: 100,000 of them are past 1 MiB.
    const engine = withIocs(new FakeElasticsearch('9.1.0', ['script', 'set'], 1024 * 1024), 100_000) as FakeElasticsearch;
    const install = installTagPipeline(engine, { strategy: 'script', maxScriptIocs: Number.MAX_SAFE_INTEGER });
    await expect(install).rejects.toBeInstanceOf(ConfigError);
    await expect(install).rejects.toThrow(
      /^the script-strategy pipeline for 100000 active IOCs is [\d.]+ MiB, above this cluster's ingest\.pipeline\.max_pipeline_size of 1 MiB \(about \d+ IOCs fit\): use the enrich strategy/,
    );
    expect(engine.written).toEqual([]);
  });

  it('installs the same set where the cluster sets no pipeline size limit, and a small set under it', async () => {
    const unlimited = withIocs(new FakeElasticsearch('8.17.0', ['script', 'set'], undefined), 100_000) as FakeElasticsearch;
    await expect(installTagPipeline(unlimited, { strategy: 'script', maxScriptIocs: Number.MAX_SAFE_INTEGER })).resolves.toMatchObject({ strategy: 'script', iocs: 100_000 });
    // 10,000 IOCs took 3 MB before the compact set; now they fit under 1 MiB.
    const small = withIocs(new FakeElasticsearch('9.1.0', ['script', 'set'], 1024 * 1024), 10_000) as FakeElasticsearch;
    await expect(installTagPipeline(small, { strategy: 'script' })).resolves.toMatchObject({ iocs: 10_000 });
    expect(small.written).toEqual(['iochunt-tag']);
  });

  it('refuses the enrich strategy on Elasticsearch 8.9.0, whose policy execution fails on an object enrich field', async () => {
    const engine = withIocs(new FakeElasticsearch('8.9.0', ['enrich', 'script', 'set'], undefined), 3) as FakeElasticsearch;
    for (const strategy of ['auto', 'enrich'] as const) {
      await expect(installTagPipeline(engine, { strategy })).rejects.toThrow(
        'Elasticsearch 8.9.0 cannot execute the enrich policies live tagging needs (an object enrich field fails: elastic/elasticsearch#98019): upgrade (later releases fixed it), or use --strategy script; nothing was installed',
      );
    }
    await expect(installTagPipeline(engine, { strategy: 'script' })).resolves.toMatchObject({ strategy: 'script' });
  });
});
