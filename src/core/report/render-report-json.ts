import type { ReportData } from './build-report-data.js';

/** The report data as indented JSON, ending with a newline. */
export function renderReportJson(data: ReportData): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}
