import type { StatusReport } from '../io/status/fetch-status.js';

/** The human-readable `iochunt status` table. */
export function renderStatus(report: StatusReport): string {
  const { engine, health } = report;
  const rows: [string, string][] = [
    ['engine', `${engine.flavor} ${engine.version} at ${engine.url}`],
    ['cluster', `${engine.clusterName}: ${health.status}, ${health.numberOfNodes} node(s), ${health.activeShards} active shard(s)`],
    ...report.indices.map((index, i): [string, string] => [
      i === 0 ? 'indices' : '',
      `${index.name.padEnd(28)} ${index.exists ? `${index.docs ?? 0} docs` : 'missing'}`,
    ]),
    ...report.pipelines.map((pipeline, i): [string, string] => [
      i === 0 ? 'pipelines' : '',
      `${pipeline.name.padEnd(28)} ${pipeline.exists ? `installed${pipeline.version === undefined ? '' : ` (version ${pipeline.version})`}` : 'missing'}`,
    ]),
    [
      'live tagging',
      report.ingest.enrich
        ? 'enrich processor available (enrich strategy)'
        : report.ingest.script
          ? 'script processor available (Painless strategy)'
          : 'no enrich or script processor on the ingest nodes',
    ],
  ];
  report.runs.slice(0, 10).forEach((run, i) => {
    const progress = run.progress && 'unitsDone' in run.progress ? ` ${String(run.progress.unitsDone)}/${String(run.progress.unitsTotal)} units` : '';
    rows.push([i === 0 ? 'runs' : '', `${run.startedAt.slice(0, 19)}Z ${run.kind.padEnd(4)} ${run.status.padEnd(11)} ${run.id}${progress}`]);
  });
  return rows.map(([label, value]) => `${label.padEnd(13)} ${value}`).join('\n');
}
