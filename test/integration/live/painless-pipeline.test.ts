import { describe, expect, it } from 'vitest';
import { useEngine } from '../../helpers/engine-fixture.js';

describe('OpenSearch ingest pipelines with Painless script processors', () => {
  const fx = useEngine('opensearch');

  it('runs a script processor with params on documents indexed through the pipeline', async () => {
    const pipeline = fx.pipeline('painless');
    const index = fx.index('painless');
    await fx.engine.writePipeline(pipeline, {
      version: 1,
      processors: [
        {
          script: {
            lang: 'painless',
            params: { bad: ['203.0.113.7', '198.51.100.9'] },
            source: `
              def ip = ctx.source?.ip;
              if (ip != null && params.bad.contains(ip)) {
                if (ctx.tags == null) { ctx.tags = new ArrayList(); }
                ctx.tags.add('iochunt-match');
              }`,
          },
        },
      ],
    });
    expect((await fx.engine.fetchPipeline(pipeline))?.version).toBe(1);
    expect(await fx.engine.fetchIngestProcessors()).toContain('script');

    await fx.engine.indexDocument({ index, id: 'hit', document: { source: { ip: '203.0.113.7' } }, pipeline, refresh: true });
    await fx.engine.indexDocument({ index, id: 'miss', document: { source: { ip: '192.0.2.1' }, tags: ['x'] }, pipeline, refresh: true });

    expect(await fx.engine.fetchDocument(index, 'hit')).toEqual({ source: { ip: '203.0.113.7' }, tags: ['iochunt-match'] });
    expect(await fx.engine.fetchDocument(index, 'miss')).toEqual({ source: { ip: '192.0.2.1' }, tags: ['x'] });
  });

  it('deletes a pipeline and reports a missing one as absent', async () => {
    const pipeline = fx.pipeline('gone');
    await fx.engine.writePipeline(pipeline, { processors: [{ script: { source: 'ctx.x = 1' } }] });
    expect(await fx.engine.deletePipeline(pipeline)).toBe(true);
    expect(await fx.engine.fetchPipeline(pipeline)).toBeUndefined();
    expect(await fx.engine.deletePipeline(pipeline)).toBe(false);
  });
});

describe('Elasticsearch ingest pipelines, per the processors this build lists', () => {
  const fx = useEngine('elasticsearch');

  // The integ-test build (Maven) has neither script nor enrich; a full image (Docker) has both.
  it('runs a script processor when the build lists one, and refuses a pipeline needing one when it does not', async () => {
    const processors = await fx.engine.fetchIngestProcessors();
    const pipeline = fx.pipeline('es-script');
    const body = { processors: [{ script: { lang: 'painless', source: 'ctx.tagged = true' } }] };
    if (processors.includes('script')) {
      await fx.engine.writePipeline(pipeline, body);
      const [result] = await fx.engine.simulatePipeline(pipeline, [{ a: 1 }]);
      expect(result?.doc?._source).toEqual({ a: 1, tagged: true });
    } else {
      await expect(fx.engine.writePipeline(pipeline, body)).rejects.toThrow(/script/);
      expect(await fx.engine.fetchPipeline(pipeline)).toBeUndefined();
    }
  });

  it('lists enrich only where an enrich policy can be written', async () => {
    const processors = await fx.engine.fetchIngestProcessors();
    const index = fx.index('enrich-src');
    await fx.engine.createIndex(index, { mappings: { properties: { k: { type: 'keyword' }, v: { type: 'keyword' } } } });
    const policy = `${index}-policy`;
    const write = fx.engine.writeEnrichPolicy(policy, { match: { indices: index, match_field: 'k', enrich_fields: ['v'] } });
    if (processors.includes('enrich')) {
      await write;
      expect(await fx.engine.listEnrichPolicies(policy)).toEqual([policy]);
      await fx.engine.deleteEnrichPolicy(policy);
    } else {
      await expect(write).rejects.toThrow();
    }
  });
});
