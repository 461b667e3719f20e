import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildSavedObjects, toNdjson, type SavedObjectsTarget } from '../../core/kibana/build-saved-objects.js';
import type { ReportTlp } from '../../core/report/build-report-tlp.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../../core/report/render-report.js';
import { OutputError } from '../../errors.js';
import type { Engine } from '../engine/engine.js';
import { fetchReportData } from '../report/fetch-report-data.js';

export interface WriteDemoOutputsOptions {
  /** Created if missing; files of an earlier demo are overwritten. */
  dir: string;
  prefix: string;
  /** The demo's hunt run: the report covers its scope. */
  runId: string;
  /** The feeds loaded, one saved search each. */
  feeds: readonly string[];
  /** The pattern of the demo's event indices (the events data view). */
  eventsPattern: string;
}

/** What the demo wrote, as absolute paths, and what the report says. */
export interface DemoOutputs {
  dir: string;
  report: Record<ReportFormat, string>;
  savedObjects: Record<SavedObjectsTarget, string>;
  tlp: ReportTlp;
  findings: number;
}

const SAVED_OBJECT_TARGETS: readonly SavedObjectsTarget[] = ['kibana', 'dashboards'];

async function writeDemoFile(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text, 'utf8');
  } catch (error) {
    throw new OutputError(`--out-dir: cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
}

/**
 * The demo's picture of the product: the run's report in every format (`report.html`,
 * `report.csv`, `report.json`, as `iochunt report --run` writes them) and the saved objects for
 * both `kibana.ndjson` (Kibana 8.8+) and `dashboards.ndjson` (OpenSearch Dashboards), as
 * `iochunt kibana export` builds them, for the demo's prefix and event indices.
 */
export async function writeDemoOutputs(engine: Engine, options: WriteDemoOutputsOptions): Promise<DemoOutputs> {
  const dir = resolve(options.dir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new OutputError(`--out-dir ${options.dir}: cannot create it (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  const data = await fetchReportData(engine, { prefix: options.prefix, runId: options.runId });
  const report = Object.fromEntries(REPORT_FORMATS.map((format) => [format, join(dir, `report.${format}`)])) as Record<ReportFormat, string>;
  for (const format of REPORT_FORMATS) await writeDemoFile(report[format], renderReport(data, format));
  const savedObjects = Object.fromEntries(SAVED_OBJECT_TARGETS.map((target) => [target, join(dir, `${target}.ndjson`)])) as Record<SavedObjectsTarget, string>;
  for (const target of SAVED_OBJECT_TARGETS) {
    const objects = buildSavedObjects({ prefix: options.prefix, feeds: options.feeds, target, eventsPattern: options.eventsPattern });
    await writeDemoFile(savedObjects[target], toNdjson(objects));
  }
  return { dir, report, savedObjects, tlp: data.tlp, findings: data.totals.findings };
}
