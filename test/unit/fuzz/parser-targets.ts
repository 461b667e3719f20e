import { chunkLines } from '../../../src/core/ioc/chunk-lines.js';
import { detectFormat } from '../../../src/core/ioc/detect-format.js';
import { parseAnssiCsv } from '../../../src/core/ioc/parse-anssi-csv.js';
import { parseGenericCsv } from '../../../src/core/ioc/parse-generic-csv.js';
import { parseIocs } from '../../../src/core/ioc/parse-iocs.js';
import { parseMisp } from '../../../src/core/ioc/parse-misp.js';
import { parseMispManifest } from '../../../src/core/ioc/parse-misp-manifest.js';
import { parseStix } from '../../../src/core/ioc/parse-stix.js';
import { parseStixPattern } from '../../../src/core/ioc/parse-stix-pattern.js';
import { parseTxt } from '../../../src/core/ioc/parse-txt.js';
import { splitMispValue } from '../../../src/core/ioc/split-misp-value.js';

/** A parser and the documents that put a hostile text everywhere it reads text. */
export interface ParserTarget {
  name: string;
  /** Builders of documents holding `hostile` in each place the parser reads: the whole source, each field, each cell. */
  documents: readonly ((hostile: string) => string)[];
  run(document: string): unknown;
}

/** A CSV cell holding any text: quoted, inner quotes doubled. */
const cell = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** A STIX string literal holding any text. */
const stixString = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

const ANSSI_HEADER =
  'event.uuid,event.tlp,event.title.desensitized,event.date,event.apts,event.metadata,signature.uuid,signature.type,' +
  'signature.value,signature_component.uuid,signature_component.type,signature_component.metadata,signature_component.value';

function mispEvent(hostile: string): string {
  const attribute = { type: 'url', value: hostile, comment: hostile, Tag: [{ name: hostile }] };
  return JSON.stringify({
    Event: {
      info: hostile,
      Orgc: { name: hostile },
      Tag: [{ name: hostile }, hostile],
      Attribute: [attribute, { type: hostile, value: hostile }, { type: 'ip-dst', value: '45.153.160.2', first_seen: hostile }],
      Object: [{ comment: hostile, Attribute: [{ type: 'domain|ip', value: hostile }] }],
    },
  });
}

function stixBundle(hostile: string): string {
  const indicator = (fields: Record<string, unknown>) => ({ type: 'indicator', id: 'indicator--1', pattern_type: 'stix', ...fields });
  return JSON.stringify({
    type: 'bundle',
    id: hostile,
    objects: [
      { type: 'report', name: hostile },
      { type: 'identity', id: 'identity--1', name: hostile },
      { type: 'marking-definition', id: 'marking-definition--1', name: hostile, definition_type: 'tlp', definition: { tlp: hostile } },
      indicator({ pattern: hostile }),
      indicator({ pattern: `[url:value = ${stixString(hostile)}]` }),
      indicator({ pattern: `[${hostile}]`, pattern_type: hostile }),
      indicator({
        pattern: "[domain-name:value = 'a.example']",
        labels: [hostile],
        description: hostile,
        created_by_ref: 'identity--1',
        external_references: [{ url: hostile }],
        object_marking_refs: [hostile, 'marking-definition--1'],
      }),
      indicator({ pattern: "[domain-name:value = 'b.example']", valid_from: hostile }),
      indicator({ pattern: "[domain-name:value = 'c.example']", confidence: hostile }),
    ],
  });
}

/** Every parser of src/core/ioc that reads a whole source, and the helpers that read parts of one. */
export const PARSER_TARGETS: readonly ParserTarget[] = [
  { name: 'parseTxt', documents: [(h) => h, (h) => `# list\n${h}\n45.153.160.2 ${h}`], run: (d) => parseTxt(d) },
  {
    name: 'parseGenericCsv',
    documents: [
      (h) => `value,type,description\n${cell(h)},,${cell(h)}\n`,
      (h) => `value,type,tlp,confidence,first_seen,valid_until\n45.153.160.2,${cell(h)},${cell(h)},${cell(h)},${cell(h)},${cell(h)}\n`,
      (h) => `value\n${h}`,
      (h) => `${h}\n${h}`,
    ],
    run: (d) => parseGenericCsv(d),
  },
  {
    name: 'parseAnssiCsv',
    documents: [
      (h) => `${ANSSI_HEADER}\ne1,${cell(h)},${cell(h)},2022-01-10,${cell(h)},${cell(h)},s1,${cell(h)},${cell(h)},c1,ip-dst,${cell(h)},45.153.160.2\n`,
      (h) => `${ANSSI_HEADER}\ne1,green,t,${cell(h)},[],,s1,ip-dst,45.153.160.2,,,,\n`,
      (h) => `${ANSSI_HEADER}\n${h}`,
    ],
    run: (d) => parseAnssiCsv(d),
  },
  { name: 'parseMisp', documents: [(h) => h, mispEvent], run: (d) => parseMisp(d) },
  { name: 'parseMispManifest', documents: [(h) => h, (h) => JSON.stringify({ [h]: { info: h } })], run: (d) => parseMispManifest(d) },
  { name: 'parseStix', documents: [(h) => h, stixBundle], run: (d) => parseStix(d) },
  {
    name: 'parseStixPattern',
    documents: [(h) => h, (h) => `[${h}]`, (h) => `[url:value = ${stixString(h)}]`, (h) => `[url:value IN (${stixString(h)}, ${stixString(h)})]`],
    run: (d) => parseStixPattern(d),
  },
  { name: 'detectFormat', documents: [(h) => h, (h) => `{"${h}`, (h) => `[${h}`, (h) => `value,${h}\n`], run: (d) => detectFormat(d) },
  { name: 'parseIocs', documents: [(h) => h, (h) => `value\n${h}`, mispEvent, stixBundle], run: (d) => parseIocs(d) },
  {
    name: 'splitMispValue',
    documents: [(h) => h],
    run: (d) => [splitMispValue(d, d), splitMispValue('domain|ip', d), splitMispValue(`${d}|ip-dst`, `${d}|45.153.160.2`)],
  },
  {
    name: 'chunkLines',
    documents: [(h) => h, (h) => `value\n${h}`],
    run: (d) => [...chunkLines(d, { header: true, quoted: true, maxLines: 100 }), ...chunkLines(d, { header: false, quoted: false, maxLines: 3 })],
  },
];
