import { describe, expect, it } from 'vitest';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { attachTagPipeline, fetchAttachments, removeTagPipeline } from '../../../src/io/live/attach-tag-pipeline.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';

/**
 * Elasticsearch refuses to delete a pipeline that is any index's final pipeline. The integ-test
 * build stores a pipeline without processors, so `<prefix>-tag` is one here: what matters is
 * which indices name it, not what it does (issue 16, item 2). A target with its own final
 * pipeline gets a wrapper that calls it (the `pipeline` processor), which that build lacks: that
 * case runs where the build lists the processor (OpenSearch, full Elasticsearch).
 */
describe.each(['elasticsearch', 'opensearch'] as const)('pipelines remove on %s after the attached templates made new indices', (flavor) => {
  const fx = useEngine(flavor);

  it('restores every index that names the pipeline, recorded or not, then deletes it; a second remove changes nothing', async () => {
    const prefix = uniqueName('remove');
    const names = buildResourceNames(prefix);
    const plain = `${prefix}-plain`;
    const wrapped = `${prefix}-wrapped`;
    const pre = `${prefix}-pre`;
    await fx.engine.writePipeline(names.tagPipeline, { description: 'stand-in for the tagging pipeline', processors: [] });
    await fx.engine.writePipeline(pre, { processors: [] });
    const canWrap = (await fx.engine.fetchIngestProcessors()).includes('pipeline');
    if (flavor === 'opensearch') expect(canWrap).toBe(true);
    const templates: [string, string | undefined][] = canWrap ? [[plain, undefined], [wrapped, pre]] : [[plain, undefined]];
    for (const [template, final] of templates) {
      await fx.engine.writeIndexTemplate(template, {
        index_patterns: [`${template}-*`],
        priority: 450,
        template: { settings: { number_of_shards: 1, number_of_replicas: 0, ...(final ? { 'index.final_pipeline': final } : {}) } },
      });
    }
    const created = [`${plain}-1`, `${plain}-2`, ...(canWrap ? [`${wrapped}-1`] : [])];
    try {
      await attachTagPipeline(fx.engine, templates.map(([template]) => template), prefix);
      // Indices (rollovers, new days) created from the attached templates afterwards: no record names them.
      for (const index of created) await fx.engine.createIndex(index);
      const finals = await fx.engine.fetchPipelineSettings(`${prefix}-*`);
      const wrapper = (await fetchAttachments(fx.engine, prefix)).find((a) => a.target === wrapped)?.pipeline;
      expect(created.map((i) => finals.get(i)?.final)).toEqual([names.tagPipeline, names.tagPipeline, ...(canWrap ? [wrapper] : [])]);

      const restored = await removeTagPipeline(fx.engine, prefix);
      expect(restored.map((a) => a.target).sort()).toEqual(templates.map(([template]) => template).sort());
      expect(await fx.engine.fetchPipeline(names.tagPipeline)).toBeUndefined();
      if (wrapper) expect(await fx.engine.fetchPipeline(wrapper)).toBeUndefined();
      const after = await fx.engine.fetchPipelineSettings(`${prefix}-*`);
      expect(created.map((i) => after.get(i)?.final)).toEqual([undefined, undefined, ...(canWrap ? [pre] : [])]);
      expect(await fetchAttachments(fx.engine, prefix)).toEqual([]);

      await expect(removeTagPipeline(fx.engine, prefix)).resolves.toEqual([]);
    } finally {
      await fx.engine.deleteIndices([...created, names.state]);
      await fx.engine.deletePipeline(pre);
      await fx.engine.deletePipeline(names.tagPipeline).catch(() => undefined);
    }
  });
});
