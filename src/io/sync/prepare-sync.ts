import { DEFAULT_HUNT_FROM } from '../../core/defaults.js';
import { detectFormat } from '../../core/ioc/detect-format.js';
import { normalizeTlp } from '../../core/ioc/normalize-tlp.js';
import { parseIocs } from '../../core/ioc/parse-iocs.js';
import { FeedGrouper, type FeedState } from '../../core/ioc/feed-grouper.js';
import { checkLineSource, LINE_FORMATS, parseOptionsFor, parseSource, type PreparedSources } from '../../core/ioc/parse-sources.js';
import type { ParseResult, RejectedEntry } from '../../core/ioc/types.js';
import { parseDateOption } from '../../core/time/parse-date-option.js';
import { InputError, UsageError } from '../../errors.js';
import { readSources } from './read-sources.js';
import type { SyncOptions } from './sync-iocs.js';

/** Sources read and checked, ready to be parsed chunk by chunk and written. */
export interface PreparedSync extends PreparedSources {
  huntFrom: string;
  tlp?: string;
  startedAt: number;
  /**
   * With `--replace` (or `--strict`): every feed of this load and the ids it lists, from a first
   * pass over the sources, so a replace that would empty a feed is refused before anything is
   * written (see `guardReplace`).
   */
  planned?: ReadonlyMap<string, FeedState>;
  /** Entries the first pass rejected (with `planned`). */
  plannedRejected?: number;
}

/** `2021-01-01` or any ISO timestamp -> canonical ISO; a UsageError otherwise. */
function parseHuntFrom(value: string | undefined): string {
  return value === undefined ? DEFAULT_HUNT_FROM : parseDateOption(value, '--hunt-from');
}

/**
 * Step one, no cluster needed: checks the options, reads every source, detects formats, parses
 * JSON sources and checks the structure of TXT/CSV ones (header, quoting), so what is malformed
 * as a whole fails here, before anything is written. Under `--strict` or `--replace` it parses
 * everything once more: `--strict` throws an InputError on the first rejected entry, `--replace`
 * keeps each feed's ids for `guardReplace`. Unreadable sources throw a SourceError.
 */
export async function prepareSync(options: SyncOptions): Promise<PreparedSync> {
  const startedAt = Date.now();
  const huntFrom = parseHuntFrom(options.huntFrom);
  const tlp = options.tlp === undefined ? undefined : normalizeTlp(options.tlp);
  if (options.tlp !== undefined && tlp === undefined) {
    throw new UsageError(`--tlp: "${options.tlp}" is not a TLP level (clear, white, green, amber, amber+strict, red)`);
  }
  if (options.confidence !== undefined && !(options.confidence >= 0 && options.confidence <= 100)) {
    throw new UsageError(`--confidence: ${options.confidence} is not within 0-100`);
  }
  const texts = await readSources(options.sources, options.source);
  const formats = texts.map((text) =>
    options.format && options.format !== 'auto' ? options.format : (text.format ?? detectFormat(text.text, text.name)),
  );
  const parsed = new Map<number, ParseResult>();
  formats.forEach((format, i) => {
    const text = texts[i]!;
    if (LINE_FORMATS.has(format)) checkLineSource(text, format);
    else parsed.set(i, parseIocs(text.text, parseOptionsFor(text, format, options)));
  });
  const prepared: PreparedSync = { texts, formats, parsed, huntFrom, startedAt, ...(tlp ? { tlp } : {}) };
  if (!options.strict && !options.replace) return prepared;
  const grouper = new FeedGrouper(options.feed);
  for (let i = 0; i < texts.length; i++) for (const source of parseSource(prepared, i, options)) grouper.add(source);
  if (options.strict && grouper.rejected.length > 0) throw strictError(grouper.rejected);
  return { ...prepared, planned: grouper.feeds, plannedRejected: grouper.rejected.length };
}

function strictError(rejected: RejectedEntry[]): InputError {
  const [first] = rejected;
  const more = rejected.length > 1 ? ` (and ${rejected.length - 1} more)` : '';
  return new InputError(`--strict: rejected ${first?.reason ?? 'entry'}${more}; nothing was written`, {
    ...(first?.location.file ? { file: first.location.file } : {}),
    ...(first?.location.line ? { line: first.location.line } : {}),
    ...(first?.location.path ? { path: first.location.path } : {}),
    ...(first ? { value: first.value } : {}),
  });
}
