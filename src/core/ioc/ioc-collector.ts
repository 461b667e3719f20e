import { assignDefined, withoutUndefined } from './assign-defined.js';
import { excerpt } from './excerpt.js';
import { MAX_VALUE_LENGTH, REJECTED_VALUE_PREVIEW } from './limits.js';
import { normalizeIndicator } from './normalize-indicator.js';
import type {
  DuplicateEntry,
  IocFormat,
  IocProvenance,
  NormalizedIoc,
  NormalizeOptions,
  ParsedIoc,
  ParseResult,
  RejectedEntry,
  SkippedCount,
  SourceLocation,
} from './types.js';

/** One value read from a source, with what the source says about it. */
export interface CollectorEntry {
  /** The value as written. */
  value: string;
  /** An IocType or MISP attribute type; absent or blank means "infer". */
  hint?: string;
  provenance: IocProvenance;
  location: SourceLocation;
}

/** What every parser does with the entries it reads; see {@link createIocCollector}. */
export interface IocCollector {
  /** Normalises the value (with its optional type hint) and keeps it, or records the rejection. */
  add(entry: CollectorEntry): void;
  /** Records an entry rejected before normalisation (malformed row, bad field, bad pattern). */
  reject(location: SourceLocation, value: string, reason: string): void;
  /** Counts an entry left out on purpose (`to_ids false`, `deleted`, `revoked`). */
  skip(reason: string): void;
  /** The accumulated result. */
  finish(feedName: string | undefined): ParseResult;
}

/**
 * Shared bookkeeping of the parsers: normalisation, rejection list, skip counts and
 * de-duplication within one source.
 *
 * De-duplication: the first occurrence of a `(type, value)` wins whole (location, source id,
 * dates, TLP, tags); each later one is dropped and listed in `duplicates` with where the kept
 * one is. Keeping the first rather than merging fields keeps every field of an IOC traceable
 * to one entry of the source (merged tags could say `tlp:green` next to a WHITE level).
 */
export function createIocCollector(format: IocFormat, options: NormalizeOptions & { lineOffset?: number }): IocCollector {
  const iocs: ParsedIoc[] = [];
  const byKey = new Map<string, ParsedIoc>();
  const rejected: RejectedEntry[] = [];
  const skipped = new Map<string, number>();
  const duplicates: DuplicateEntry[] = [];
  const offset = options.lineOffset ?? 0;
  /** A copy of a location, with the line moved from the chunk's numbering to the source's. */
  const place = (location: SourceLocation): SourceLocation =>
    offset === 0 || location.line === undefined ? { ...location } : { ...location, line: location.line + offset };

  return {
    add({ value, hint, provenance, location }) {
      const result = normalizeIndicator(value, hint, options);
      if (!result.ok) {
        rejected.push({ location: place(location), value: rejectedValue(value.trim()), reason: result.reason });
        return;
      }
      const ioc = parsedIoc(result.ioc, provenance, place(location));
      const key = `${ioc.type}|${ioc.value}`;
      const kept = byKey.get(key);
      if (!kept) {
        byKey.set(key, ioc);
        iocs.push(ioc);
        return;
      }
      duplicates.push({ type: ioc.type, value: ioc.value, location: place(location), keptAt: { ...kept.location } });
    },
    reject(location, value, reason) {
      rejected.push({ location: place(location), value: rejectedValue(value), reason });
    },
    skip(reason) {
      skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
    },
    finish(feedName) {
      const skippedCounts: SkippedCount[] = [...skipped].map(([reason, count]) => ({ reason, count }));
      return withoutUndefined({ format, feedName, iocs, rejected, skipped: skippedCounts, duplicates });
    },
  };
}

/**
 * What a rejection keeps of its value: all of it, or the start of a value too long to be an
 * IOC, so a source of megabyte lines neither doubles in memory nor prints megabyte lines.
 */
function rejectedValue(value: string): string {
  return value.length > MAX_VALUE_LENGTH ? excerpt(value, REJECTED_VALUE_PREVIEW) : value;
}

/**
 * The accepted IOC: canonical fields, then the defined provenance fields (tags deduplicated),
 * then the location. One object per IOC, written key by key: this runs once per entry of
 * million-line feeds.
 */
function parsedIoc(ioc: NormalizedIoc, provenance: IocProvenance, location: SourceLocation): ParsedIoc {
  const out = assignDefined(assignDefined({}, ioc), provenance);
  if (provenance.tags !== undefined) {
    if (provenance.tags.length > 0) out.tags = [...new Set(provenance.tags)];
    else delete out.tags;
  }
  out.location = location;
  return out as unknown as ParsedIoc;
}
