/** The delimiters iochunt recognises in CSV sources. */
export type CsvDelimiter = ',' | ';' | '\t';

/**
 * Picks the delimiter of a CSV from its header line: whichever of `,`, `;` and tab occurs
 * most often outside double quotes (ties go to `,`). Sniffing the header only is enough
 * because the header is required and has no free text; data rows may hold commas in quoted
 * descriptions that would mislead a whole-file count.
 */
export function sniffCsvDelimiter(headerLine: string): CsvDelimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === ',' || char === ';' || char === '\t')) counts[char] += 1;
  }
  const ranked = (Object.keys(counts) as CsvDelimiter[]).sort((a, b) => counts[b] - counts[a]);
  return ranked[0] ?? ',';
}
