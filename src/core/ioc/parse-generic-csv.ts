import { InputError } from '../../errors.js';
import { quotedExcerpt } from './excerpt.js';
import { createIocCollector } from './ioc-collector.js';
import { normalizeConfidence } from './normalize-confidence.js';
import { normalizeTimestamp, type FieldResult } from './normalize-timestamp.js';
import { normalizeTlp } from './normalize-tlp.js';
import { parseCsvRows } from './parse-csv-rows.js';
import type { IocProvenance, ParseOptions, ParseResult } from './types.js';

/** Accepted names of the value column, in order of preference (case-insensitive). */
export const VALUE_COLUMNS: readonly string[] = ['value', 'indicator', 'ioc', 'observable'];

type Columns = Partial<Record<'value' | 'type' | 'description' | 'tlp' | 'confidence' | 'firstSeen' | 'lastSeen' | 'validFrom' | 'validUntil' | 'id', number>>;

const OPTIONAL_COLUMNS: Readonly<Record<string, keyof Columns>> = {
  type: 'type',
  description: 'description',
  tlp: 'tlp',
  confidence: 'confidence',
  first_seen: 'firstSeen',
  last_seen: 'lastSeen',
  valid_from: 'validFrom',
  valid_until: 'validUntil',
  id: 'id',
};

/**
 * Parses a CSV with a header row: a value column (`value`, `indicator`, `ioc` or
 * `observable`), an optional `type` column (an IocType or a MISP attribute type such as
 * `ip-dst`; blank means infer) and optional `description`, `tlp`, `confidence` (0-100),
 * `first_seen`, `last_seen`, `valid_from`, `valid_until`, `id` columns. Header names are
 * matched case-insensitively, with spaces and hyphens read as `_`. Delimiter `,`, `;` or tab,
 * sniffed from the header.
 *
 * A row with an invalid optional field (TLP `orange`, confidence `high`, a date that does
 * not parse) is rejected whole: loading it without that field would silently change its
 * meaning. No `feedName`: callers fall back to the file name.
 *
 * @throws InputError when there is no header or no value column.
 */
export function parseGenericCsv(text: string, options: ParseOptions = {}): ParseResult {
  const { header, rows } = parseCsvRows(text, options.file);
  const columns = findColumns(header, options.file);
  const collector = createIocCollector('csv', options);
  // Value and type only (the shape of most large lists): no provenance to read per row.
  const bare = Object.keys(columns).every((name) => name === 'value' || name === 'type');
  for (const { line, cells } of rows) {
    const location = { file: options.file, line };
    const cell = (name: keyof Columns): string | undefined => {
      const index = columns[name];
      return index === undefined ? undefined : cells[index]?.trim();
    };
    const value = cell('value') ?? '';
    const provenance: FieldResult<IocProvenance> = bare ? NO_PROVENANCE : readProvenance(cell);
    if (!provenance.ok) collector.reject(location, value.trim(), provenance.reason);
    else collector.add({ value, hint: cell('type'), provenance: provenance.value ?? {}, location });
  }
  return collector.finish(undefined);
}

const NO_PROVENANCE: FieldResult<IocProvenance> = Object.freeze({ ok: true, value: Object.freeze({}) });

function findColumns(header: readonly string[], file: string | undefined): Columns {
  const names = header.map((name) => name.toLowerCase().replace(/[\s-]+/g, '_'));
  const value = VALUE_COLUMNS.map((name) => names.indexOf(name)).find((index) => index >= 0);
  if (value === undefined) {
    throw new InputError(`CSV header has no value column: name one of ${VALUE_COLUMNS.join(', ')}`, { file, line: 1 });
  }
  const columns: Columns = { value };
  names.forEach((name, index) => {
    const key = OPTIONAL_COLUMNS[name];
    if (key && columns[key] === undefined) columns[key] = index;
  });
  return columns;
}

function readProvenance(cell: (name: keyof Columns) => string | undefined): FieldResult<IocProvenance> {
  const tlpText = cell('tlp') || undefined;
  const tlp = normalizeTlp(tlpText);
  if (tlpText !== undefined && tlp === undefined) return { ok: false, reason: `unknown TLP ${quotedExcerpt(tlpText)}` };
  const confidence = normalizeConfidence(cell('confidence'));
  if (!confidence.ok) return confidence;
  const dates: Partial<Record<'firstSeen' | 'lastSeen' | 'validFrom' | 'validUntil', string>> = {};
  for (const [key, field] of [['firstSeen', 'first_seen'], ['lastSeen', 'last_seen'], ['validFrom', 'valid_from'], ['validUntil', 'valid_until']] as const) {
    const date = normalizeTimestamp(cell(key), field, key === 'validUntil' ? 'end' : 'start');
    if (!date.ok) return date;
    dates[key] = date.value;
  }
  return {
    ok: true,
    value: { sourceId: cell('id') || undefined, description: cell('description') || undefined, tlp, confidence: confidence.value, ...dates },
  };
}
