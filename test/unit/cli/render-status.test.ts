import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../../src/cli/render-status.js';
import type { StatusReport } from '../../../src/io/status/fetch-status.js';

describe('renderStatus', () => {
  it('prints one labelled row per fact', () => {
    const report: StatusReport = {
      engine: { flavor: 'opensearch', version: '2.19.1', major: 2, clusterName: 'soc', url: 'http://127.0.0.1:9201' },
      health: { status: 'yellow', numberOfNodes: 1, activeShards: 3 },
      indices: [
        { name: 'iochunt-iocs', exists: true, docs: 161 },
        { name: 'iochunt-alerts', exists: false },
      ],
      pipelines: [{ name: 'iochunt-tag', exists: true, version: 4 }],
      ingest: { script: true, enrich: false },
      runs: [
        { id: 'r-2', kind: 'hunt', status: 'interrupted', startedAt: '2026-11-02T10:00:00.000Z', progress: { unitsDone: 12, unitsTotal: 71 } },
        { id: 'r-1', kind: 'sync', status: 'completed', startedAt: '2026-11-01T09:00:00.000Z', finishedAt: '2026-11-01T09:00:02.000Z', progress: { added: 161 } },
      ],
    };
    expect(renderStatus(report).split('\n')).toEqual([
      'engine        opensearch 2.19.1 at http://127.0.0.1:9201',
      'cluster       soc: yellow, 1 node(s), 3 active shard(s)',
      'indices       iochunt-iocs                 161 docs',
      '              iochunt-alerts               missing',
      'pipelines     iochunt-tag                  installed (version 4)',
      'live tagging  script processor available (Painless strategy)',
      'runs          2026-11-02T10:00:00Z hunt interrupted r-2 12/71 units',
      '              2026-11-01T09:00:00Z sync completed   r-1',
    ]);
  });
});
