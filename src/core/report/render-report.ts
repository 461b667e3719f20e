import type { ReportData } from './build-report-data.js';
import { renderReportCsv } from './render-report-csv.js';
import { renderReportHtml } from './render-report-html.js';
import { renderReportJson } from './render-report-json.js';

export type ReportFormat = 'html' | 'csv' | 'json';

/** The formats `iochunt report --format` writes, in the order it documents them. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'csv', 'json'];

const RENDERERS: Readonly<Record<ReportFormat, (data: ReportData) => string>> = {
  html: renderReportHtml,
  csv: renderReportCsv,
  json: renderReportJson,
};

/** The report in one format: one place maps formats to renderers, for `iochunt report` and the demo. */
export function renderReport(data: ReportData, format: ReportFormat): string {
  return RENDERERS[format](data);
}
