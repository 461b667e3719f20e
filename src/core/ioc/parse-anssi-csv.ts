import { InputError } from '../../errors.js';
import { buildBulletin } from './build-bulletin.js';
import { createIocCollector } from './ioc-collector.js';
import { normalizeTimestamp } from './normalize-timestamp.js';
import { normalizeTlp } from './normalize-tlp.js';
import { parseCsvRows } from './parse-csv-rows.js';
import { splitMispValue } from './split-misp-value.js';
import { tlpFromTags } from './tlp-from-tags.js';
import type { IocProvenance, ParseOptions, ParseResult } from './types.js';

/**
 * Columns of the CERT-FR export, most specific first. The misspellings (`siganture.value`,
 * `signature_component.metedata`) are in the published files; the correct spellings are
 * accepted too in case CERT-FR fixes them.
 */
const COLUMNS = {
  value: ['signature_component.value', 'siganture.value', 'signature.value'],
  type: ['signature_component.type', 'signature.type'],
  id: ['signature_component.uuid', 'signature.uuid'],
  description: ['signature_component.description', 'signature.description', 'event.description'],
  tags: ['signature_component.metedata', 'signature_component.metadata', 'event.metadata'],
  tlp: ['event.tlp'],
  date: ['event.date'],
  apts: ['event.apts'],
  title: ['event.title.desensitized', 'event.title'],
} as const;

type Field = keyof typeof COLUMNS;

/** CERTFR-2021-IOC-003, CERTFR-2020-CTI-001... */
const BULLETIN_ID = /CERTFR-\d{4}-[A-Z]{2,5}-\d{3,}/i;

const PROVIDER = 'CERT-FR';

/**
 * Parses a CERT-FR (ANSSI) IOC CSV such as `CERTFR-2021-IOC-003-IOC.csv`: one row per
 * signature component, with MISP attribute types (`ip-dst`, `domain|ip`...).
 *
 * Per row: value from `signature_component.value` (else `siganture.value`), type hint from
 * `signature_component.type`, `sourceId` from `signature_component.uuid`, description from
 * the component/signature/event description, tags from the MISP-style `metadata` columns
 * and the APT names of `event.apts` (a Python list literal such as `['APT31']`), TLP from
 * `event.tlp` (else a `tlp:`/`cossi:TLP=` tag), `firstSeen` from `event.date` (the day CERT-FR
 * published the indicators: the first sighting this source reports), `provider` CERT-FR,
 * `reference` the bulletin page, and `bulletin` its id, event title, page and `event.date`.
 *
 * Feed name: the bulletin id (`CERTFR-2021-IOC-003`) found in the event title or
 * description, else in the file name, else the event title. Line numbers are physical lines,
 * the header being line 1.
 *
 * @throws InputError when the header has no value column.
 */
export function parseAnssiCsv(text: string, options: ParseOptions = {}): ParseResult {
  const { header, rows } = parseCsvRows(text, options.file);
  const indexes = headerIndexes(header, options.file);
  const collector = createIocCollector('anssi-csv', options);
  let feedName: string | undefined;
  for (const { line, cells } of rows) {
    const field = (name: Field): string | undefined => firstFilled(indexes[name], cells);
    feedName ??= bulletinFeedName(field('title'), field('description'), options.file);
    const location = { file: options.file, line };
    const value = field('value') ?? '';
    const date = normalizeTimestamp(field('date'), 'event.date');
    if (!date.ok) {
      collector.reject(location, value, date.reason);
      continue;
    }
    const provenance = rowProvenance(field, feedName, date.value);
    for (const [hint, part] of splitMispValue(field('type') ?? '', value)) collector.add({ value: part, hint, provenance, location });
  }
  return collector.finish(feedName ?? bulletinFeedName(undefined, undefined, options.file));
}

function headerIndexes(header: readonly string[], file: string | undefined): Record<Field, number[]> {
  const names = header.map((name) => name.toLowerCase());
  const indexes = Object.fromEntries(
    Object.entries(COLUMNS).map(([field, candidates]) => [
      field,
      candidates.map((name) => names.indexOf(name)).filter((index) => index >= 0),
    ]),
  ) as Record<Field, number[]>;
  if (indexes.value.length === 0) {
    throw new InputError('not a CERT-FR CSV: no signature_component.value or siganture.value column', { file, line: 1 });
  }
  return indexes;
}

/** The first non-blank cell among the given columns, trimmed. */
function firstFilled(indexes: readonly number[], cells: readonly string[]): string | undefined {
  return indexes.map((index) => cells[index]?.trim()).find((cell) => cell !== undefined && cell !== '');
}

function rowProvenance(field: (name: Field) => string | undefined, feed: string | undefined, date: string | undefined): IocProvenance {
  const tags = [...metadataTags(field('tags')), ...pythonListItems(field('apts'))];
  const bulletin = feed !== undefined && BULLETIN_ID.test(feed) ? feed : undefined;
  const url = bulletin === undefined ? undefined : `https://www.cert.ssi.gouv.fr/ioc/${bulletin}/`;
  return {
    feed,
    sourceId: field('id'),
    description: field('description') ?? field('title'),
    provider: PROVIDER,
    reference: url,
    tlp: normalizeTlp(field('tlp')) ?? tlpFromTags(tags),
    firstSeen: date,
    tags,
    bulletin: buildBulletin({ id: bulletin, title: field('title'), url, published: date }),
  };
}

function bulletinFeedName(title: string | undefined, description: string | undefined, file: string | undefined): string | undefined {
  for (const text of [title, description, file === undefined ? undefined : baseName(file)]) {
    const match = text === undefined ? undefined : BULLETIN_ID.exec(text);
    if (match) return match[0].toUpperCase();
  }
  return title;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/**
 * `fr-classif:non-classifiees="NON-CLASSIFIEES", cossi:TLP="white"` -> the MISP machine tags
 * as written. Splits on commas outside double quotes.
 */
function metadataTags(text: string | undefined): string[] {
  if (text === undefined) return [];
  return (text.match(/(?:[^,"]|"[^"]*")+/g) ?? []).map((tag) => tag.trim()).filter((tag) => tag !== '');
}

/** `['APT31', "APT 40"]` (a Python list printed with `str()`) -> `['APT31', 'APT 40']`. */
function pythonListItems(text: string | undefined): string[] {
  if (text === undefined) return [];
  return quotedStrings(text)
    .map((item) => item.replace(/\\(.)/g, '$1').trim())
    .filter((item) => item !== '');
}

/**
 * The `'...'` and `"..."` strings of a text, left to right, a backslash escaping the next
 * character. A scan, not a global pattern: after an unterminated quote a pattern retries from
 * every later quote, quadratic on `'\'\'\...`. Here a quote that does not close means no
 * later quote of that kind does either (its scan would see the same characters), so that kind
 * is not looked for again.
 */
function quotedStrings(text: string): string[] {
  const items: string[] = [];
  const unclosed = new Set<string>();
  for (let at = 0; at < text.length; at++) {
    const quote = text.charAt(at);
    if ((quote !== "'" && quote !== '"') || unclosed.has(quote)) continue;
    const end = closingQuote(text, at);
    if (end < 0) unclosed.add(quote);
    else {
      items.push(text.slice(at + 1, end));
      at = end;
    }
  }
  return items;
}

/** Where the string opened by the quote at `start` closes, or -1. */
function closingQuote(text: string, start: number): number {
  const quote = text.charAt(start);
  for (let at = start + 1; at < text.length; at++) {
    if (text.charAt(at) === '\\') at += 1;
    else if (text.charAt(at) === quote) return at;
  }
  return -1;
}
