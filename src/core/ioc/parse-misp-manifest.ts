import { InputError } from '../../errors.js';
import { quotedExcerpt } from './excerpt.js';
import { isJsonObject, jsonArray, jsonString } from './json-values.js';
import { parseJsonDocument } from './parse-json-document.js';

/** One event listed in a MISP feed's `manifest.json`. */
export interface MispManifestEntry {
  uuid: string;
  /** The event title; the feed name of that event's IOCs. */
  info?: string;
  /** Event date as written (`2021-07-20`). */
  date?: string;
  /** Last change, epoch seconds as written: lets a sync skip unchanged events. */
  timestamp?: string;
  /** Creator organisation name. */
  orgc?: string;
  tags: string[];
  /** The event file next to the manifest: `<uuid>.json`. */
  file: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Lists the events of a MISP feed directory from its `manifest.json`
 * (`{"<event uuid>": {"info": ..., "Orgc": {...}, "Tag": [...], "date": ..., "timestamp": ...}}`),
 * in manifest order. Walking the directory and reading each `<uuid>.json` is left to I/O
 * code; each file is then parsed with `parseMisp`.
 *
 * @throws InputError when the text is not JSON, not an object, or a key is not an event uuid
 * (a path traversal in a crafted manifest must not become a file name).
 */
export function parseMispManifest(manifestJson: string, file?: string): MispManifestEntry[] {
  const manifest = parseJsonDocument(manifestJson, file);
  if (!isJsonObject(manifest)) throw new InputError('not a MISP feed manifest: expected an object keyed by event uuid', { file });
  return Object.entries(manifest).map(([uuid, entry]) => {
    // The key in the reason, quoted and escaped: a crafted key must not stretch or break the message's line.
    if (!UUID.test(uuid)) throw new InputError(`MISP manifest key ${quotedExcerpt(uuid)} is not an event uuid`, { file, path: `$` });
    const event = isJsonObject(entry) ? entry : {};
    const orgc = isJsonObject(event.Orgc) ? jsonString(event.Orgc.name) : undefined;
    const tags = jsonArray(event.Tag)
      .map((tag) => (isJsonObject(tag) ? jsonString(tag.name) : undefined))
      .filter((name): name is string => name !== undefined);
    const described = { info: jsonString(event.info), date: jsonString(event.date), timestamp: jsonString(event.timestamp), orgc };
    const present = Object.fromEntries(Object.entries(described).filter(([, value]) => value !== undefined));
    return { uuid: uuid.toLowerCase(), ...present, tags, file: `${uuid}.json` };
  });
}
