import { describe, expect, it } from 'vitest';
import { parseCsvRows } from '../../../src/core/ioc/parse-csv-rows.js';
import { sniffCsvDelimiter } from '../../../src/core/ioc/sniff-csv-delimiter.js';

describe('parseCsvRows', () => {
  it('gives each row the physical line it starts on, across blank lines and quoted newlines', () => {
    const text = 'value,description\r\n45.153.160.2,one\r\n\r\n91.219.236.18,"two\r\nlines\r\nhere"\r\n185.220.101.4,three';
    expect(parseCsvRows(text)).toEqual({
      header: ['value', 'description'],
      rows: [
        { line: 2, cells: ['45.153.160.2', 'one'] },
        { line: 4, cells: ['91.219.236.18', 'two\nlines\nhere'] },
        { line: 7, cells: ['185.220.101.4', 'three'] },
      ],
    });
  });

  it('counts blank lines before the header and strips a BOM', () => {
    expect(parseCsvRows('\uFEFF\n value ;type\n45.153.160.2;ip-dst\n')).toEqual({
      header: ['value', 'type'],
      rows: [{ line: 3, cells: ['45.153.160.2', 'ip-dst'] }],
    });
  });

  it('keeps rows shorter or longer than the header', () => {
    expect(parseCsvRows('value,type\n45.153.160.2\n91.219.236.18,ip-dst,extra\n').rows).toEqual([
      { line: 2, cells: ['45.153.160.2'] },
      { line: 3, cells: ['91.219.236.18', 'ip-dst', 'extra'] },
    ]);
  });
});

describe('sniffCsvDelimiter', () => {
  it.each([
    ['value,type,description', ','],
    ['value;type;description', ';'],
    ['value\ttype', '\t'],
    ['"a,b";c;d', ';'],
    ['value', ','],
  ])('picks the delimiter of %j', (header, delimiter) => {
    expect(sniffCsvDelimiter(header)).toBe(delimiter);
  });
});
