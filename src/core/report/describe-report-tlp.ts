import type { ReportTlp } from './build-report-tlp.js';

const iocCount = (n: number): string => `${n} IOC${n === 1 ? '' : 's'}`;

/**
 * The report's marking in one line, for the CSV's first line and the CLI:
 * `TLP:AMBER (2 IOCs above TLP:GREEN left out and 1 IOC without a marking)`, or
 * `no TLP marking` when no IOC in it is marked. Neither commas nor semicolons: a spreadsheet
 * that splits on either still shows the line as one cell.
 */
export function describeReportTlp(tlp: ReportTlp): string {
  const notes = [
    ...(tlp.leftOut.iocs > 0 && tlp.max !== undefined ? [`${iocCount(tlp.leftOut.iocs)} above ${tlp.max} left out`] : []),
    ...(tlp.unmarked > 0 && tlp.label !== null ? [`${iocCount(tlp.unmarked)} without a marking`] : []),
  ];
  return `${tlp.label ?? 'no TLP marking'}${notes.length > 0 ? ` (${notes.join(' and ')})` : ''}`;
}
