import { InputError } from '../../errors.js';
import { VALUE_COLUMNS } from './parse-generic-csv.js';
import { sniffCsvDelimiter } from './sniff-csv-delimiter.js';
import type { IocFormat } from './types.js';

/** How much of a JSON document is sniffed: the keys that tell formats apart come early. */
const SNIFF_BYTES = 64 * 1024;

/**
 * How JSON sources start: `{` then a key or `}`, `[` then an object, an array, a string or
 * `]`. Not a bare `[` or `{`: a list may start with `[2001:db8::1]` or a defanged `[.]`.
 */
const JSON_START = /^(?:\{\s*["}]|\[\s*[[{"\]])/;

/**
 * Guesses the format of a source from its content (`--format auto`):
 * JSON with `"type": "bundle"` -> `stix`; JSON with an `Event`, `response` or `Attribute`
 * key -> `misp`; CSV whose header has `siganture.value` / `signature.value` /
 * `signature_component.*` -> `anssi-csv`; CSV whose header has a value column (`value`,
 * `indicator`, `ioc`, `observable`) -> `csv`; anything else -> `txt`.
 *
 * JSON is content that starts like a JSON object or array (`{"`, `[{`, `[ "`...; a bracketed
 * IPv6 address or `[.]` on the first line is TXT), recognised from its first 64 KiB with key
 * patterns, not by parsing: a multi-hundred-megabyte MISP export would otherwise be parsed
 * twice. The content decides, never the file name (`iocs.csv` holding one IP per line is
 * TXT); `fileName` only names the source in errors.
 *
 * @throws InputError for JSON that is neither MISP nor STIX (reading it as TXT would reject
 * every line with a misleading reason).
 */
export function detectFormat(text: string, fileName?: string): IocFormat {
  const content = text.replace(/^\uFEFF/, '').trimStart();
  if (JSON_START.test(content)) return detectJson(content.slice(0, SNIFF_BYTES), fileName);
  const header = content.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const columns = splitHeader(header);
  if (columns.some((name) => /^(siganture|signature)\.value$|^signature_component\./.test(name))) return 'anssi-csv';
  if (columns.some((name) => VALUE_COLUMNS.includes(name))) return 'csv';
  return 'txt';
}

function detectJson(head: string, fileName: string | undefined): IocFormat {
  if (/"(?:Event|response|Attribute)"\s*:/.test(head)) return 'misp';
  if (/"type"\s*:\s*"bundle"/.test(head)) return 'stix';
  throw new InputError('JSON source is neither a STIX 2.1 bundle nor a MISP event: set --format', { file: fileName });
}

function splitHeader(header: string): string[] {
  return header
    .split(sniffCsvDelimiter(header))
    .map((name) => name.trim().replace(/^"|"$/g, '').trim().toLowerCase().replace(/[\s-]+/g, '_'));
}
