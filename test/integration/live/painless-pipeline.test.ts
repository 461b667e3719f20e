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

describe('Elasticsearch integ-test build', () => {
  const fx = useEngine('elasticsearch');

  it('has no script or enrich processor, so live tagging must be refused there', async () => {
    const processors = await fx.engine.fetchIngestProcessors();
    expect(processors).not.toContain('script');
    expect(processors).not.toContain('enrich');
  });
});
