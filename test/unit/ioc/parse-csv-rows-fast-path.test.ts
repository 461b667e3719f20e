import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parseCsvRows } from '../../../src/core/ioc/parse-csv-rows.js';

describe('parseCsvRows fast path (no quote character in the text)', () => {
  it('gives the same header, cells and line numbers as csv-parse', () => {
    const cell = fc.stringMatching(/^[a-z0-9.:/@ \-_]{0,12}$/);
    fc.assert(
      fc.property(
        fc.constantFrom(',', ';', '\t'),
        fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        (delimiter, rows, crlf) => {
          const header = ['type', 'value'].join(delimiter);
          const lines = [header, ...rows.map((r) => r.join(delimiter))];
          const text = lines.join(crlf ? '\r\n' : '\n');
          const table = parseCsvRows(text);
          const reference = (parse(text.replace(/\r\n/g, '\n'), { delimiter, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[]).map(
            (r) => ({ line: r.info.lines, cells: r.record }),
          );
          expect(table.header).toEqual(['type', 'value']);
          expect(table.rows).toEqual(reference.slice(1));
        },
      ),
      { numRuns: 300 },
    );
  });
});
