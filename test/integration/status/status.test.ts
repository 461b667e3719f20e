import { describe, expect, it } from 'vitest';
import { fetchStatus } from '../../../src/io/status/fetch-status.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';

describe.each(['opensearch', 'elasticsearch'] as const)('status on %s', (flavor) => {
  const fx = useEngine(flavor);

  it('detects the flavour and a real version from the cluster', async () => {
    expect(fx.engine.info.flavor).toBe(flavor);
    expect(fx.engine.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(fx.engine.info.major).toBeGreaterThanOrEqual(flavor === 'opensearch' ? 2 : 8);
    expect(fx.engine.info.clusterName).not.toBe('unknown');
  });

  it('reports missing iochunt indices and pipeline for an unused prefix', async () => {
    const prefix = uniqueName('fresh');
    const report = await fetchStatus(fx.engine, prefix);
    expect(['green', 'yellow']).toContain(report.health.status);
    expect(report.indices).toEqual([
      { name: `${prefix}-iocs`, exists: false },
      { name: `${prefix}-alerts`, exists: false },
      { name: `${prefix}-state`, exists: false },
    ]);
    expect(report.pipelines).toEqual([{ name: `${prefix}-tag`, exists: false }]);
    expect(report.runs).toEqual([]);
  });

  it('counts the documents of existing iochunt indices and reads the pipeline version', async () => {
    const prefix = uniqueName('status');
    const iocs = `${prefix}-iocs`;
    await fx.engine.createIndex(iocs);
    await fx.engine.indexDocument({ index: iocs, id: 'a', document: { n: 1 }, refresh: true });
    await fx.engine.indexDocument({ index: iocs, id: 'b', document: { n: 2 }, refresh: true });
    const pipelineId = `${prefix}-tag`;
    // No processors: Elasticsearch's integ-test build has none of ingest-common's.
    await fx.engine.writePipeline(pipelineId, { version: 7, processors: [] });
    try {
      const report = await fetchStatus(fx.engine, prefix);
      expect(report.indices[0]).toEqual({ name: iocs, exists: true, docs: 2 });
      expect(report.pipelines).toEqual([{ name: pipelineId, exists: true, version: 7 }]);
    } finally {
      await fx.engine.deleteIndices([iocs]);
      await fx.engine.deletePipeline(pipelineId);
    }
  });
});
