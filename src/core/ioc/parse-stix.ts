import { InputError } from '../../errors.js';
import { printableExcerpt } from './excerpt.js';
import { buildBulletin, bulletinDate } from './build-bulletin.js';
import { createIocCollector, type IocCollector } from './ioc-collector.js';
import { isJsonObject, jsonArray, jsonFlag, jsonString, type JsonObject } from './json-values.js';
import { normalizeConfidence } from './normalize-confidence.js';
import { normalizeTimestamp, type FieldResult } from './normalize-timestamp.js';
import { parseJsonDocument } from './parse-json-document.js';
import { parseStixPattern } from './parse-stix-pattern.js';
import { stixMarkingTlp } from './stix-marking-tlp.js';
import { stixPathHint } from './stix-path-hint.js';
import { mostRestrictiveTlp } from './tlp-from-tags.js';
import type { Bulletin, IocProvenance, ParseOptions, ParseResult, SourceLocation } from './types.js';

/** Lookups built once per bundle. */
interface BundleContext {
  feedName: string | undefined;
  /** The first named `report`, as a publication. */
  bulletin: Bulletin | undefined;
  markings: Map<string, string>;
  identities: Map<string, string>;
}

/**
 * Parses a STIX 2.1 bundle (`{"type": "bundle", "objects": [...]}`) into IOCs, one per
 * comparison of each `indicator`'s pattern (`[ipv4-addr:value = 'a' OR ipv4-addr:value = 'b']`
 * gives two). Patterns must be plain disjunctions of `=`, `IN` or (for IPs) `ISSUBSET`
 * comparisons; see `parseStixPattern` for what is refused and why.
 *
 * Revoked indicators are skipped and counted; indicators with a `pattern_type` other than
 * `stix` (sigma, yara, snort...) are rejected as `unsupported pattern_type <t>`. A pattern
 * that cannot be read (malformed, nested too deep) rejects its indicator only.
 * Provenance: `sourceId` = indicator id, `description` = description else name,
 * `validFrom`/`validUntil`, `confidence`, `labels` as tags, TLP from `object_marking_refs`
 * (standard TLP 1.0/2.0 ids or marking definitions of the bundle; most restrictive wins),
 * `provider` = name of the `created_by_ref` identity, `reference` = first external URL,
 * `bulletin` = the first named report (id, name, first external URL, `published`, `modified`).
 * Feed name: the first `report`'s name, else the bundle id. Locations: `$.objects[<i>]`.
 *
 * @throws InputError when the text is not JSON or not a bundle.
 */
export function parseStix(text: string, options: ParseOptions = {}): ParseResult {
  const bundle = parseJsonDocument(text, options.file);
  if (!isJsonObject(bundle) || bundle.type !== 'bundle' || !Array.isArray(bundle.objects)) {
    throw new InputError('not a STIX 2.1 bundle: expected {"type": "bundle", "objects": [...]}', { file: options.file });
  }
  const objects: unknown[] = bundle.objects;
  const context = bundleContext(bundle, objects);
  const collector = createIocCollector('stix', options);
  objects.forEach((object, index) => {
    if (isJsonObject(object) && object.type === 'indicator') {
      addIndicator({ collector, context }, object, { file: options.file, path: `$.objects[${index}]` });
    }
  });
  return collector.finish(context.feedName);
}

function bundleContext(bundle: JsonObject, objects: readonly unknown[]): BundleContext {
  const report = objects.find((object) => isJsonObject(object) && object.type === 'report' && jsonString(object.name));
  const identities = new Map<string, string>();
  for (const object of objects) {
    const id = isJsonObject(object) && object.type === 'identity' ? jsonString(object.id) : undefined;
    const name = isJsonObject(object) ? jsonString(object.name) : undefined;
    if (id !== undefined && name !== undefined) identities.set(id, name);
  }
  const reportName = isJsonObject(report) ? jsonString(report.name)?.trim() : undefined;
  return {
    feedName: reportName ?? jsonString(bundle.id),
    bulletin: isJsonObject(report) ? reportBulletin(report, reportName) : undefined,
    markings: stixMarkingTlp(objects),
    identities,
  };
}

/** A report's id, name, first external URL, `published` and `modified`. */
function reportBulletin(report: JsonObject, name: string | undefined): Bulletin | undefined {
  return buildBulletin({
    id: jsonString(report.id),
    title: name,
    url: firstExternalUrl(report),
    published: bulletinDate(report.published, 'published'),
    modified: bulletinDate(report.modified, 'modified'),
  });
}

function firstExternalUrl(object: JsonObject): string | undefined {
  return jsonArray(object.external_references)
    .map((ref) => (isJsonObject(ref) ? jsonString(ref.url) : undefined))
    .find((url) => url !== undefined);
}

function addIndicator(
  { collector, context }: { collector: IocCollector; context: BundleContext },
  indicator: JsonObject,
  location: SourceLocation,
): void {
  if (jsonFlag(indicator.revoked) === true) return collector.skip('revoked');
  const pattern = jsonString(indicator.pattern) ?? '';
  const patternType = jsonString(indicator.pattern_type) ?? 'stix';
  if (patternType.toLowerCase() !== 'stix') {
    return collector.reject(location, pattern, `unsupported pattern_type ${printableExcerpt(patternType)}`);
  }
  if (pattern === '') return collector.reject(location, '', 'indicator without a pattern');
  const provenance = indicatorProvenance(indicator, context);
  if (!provenance.ok) return collector.reject(location, pattern, provenance.reason);
  const parsed = parseStixPattern(pattern);
  if (!parsed.ok) return collector.reject(location, pattern, parsed.reason);
  for (const { path, operator, value } of parsed.comparisons) {
    const target = stixPathHint(path);
    if (!target) collector.reject(location, value, `unsupported object path ${printableExcerpt(path)}`);
    else if (operator !== '=' && !(operator === 'ISSUBSET' && target.ip)) {
      collector.reject(location, value, `unsupported operator ${printableExcerpt(operator)} on ${printableExcerpt(path)}`);
    } else collector.add({ value, hint: target.hint, provenance: provenance.value ?? {}, location });
  }
}

function indicatorProvenance(indicator: JsonObject, context: BundleContext): FieldResult<IocProvenance> {
  const validFrom = normalizeTimestamp(indicator.valid_from, 'valid_from');
  if (!validFrom.ok) return validFrom;
  const validUntil = normalizeTimestamp(indicator.valid_until, 'valid_until', 'end');
  if (!validUntil.ok) return validUntil;
  const confidence = normalizeConfidence(indicator.confidence);
  if (!confidence.ok) return confidence;
  const createdBy = jsonString(indicator.created_by_ref);
  const reference = firstExternalUrl(indicator);
  const tags = jsonArray(indicator.labels).map(jsonString).filter((label): label is string => label !== undefined);
  const tlp = mostRestrictiveTlp(jsonArray(indicator.object_marking_refs).map((ref) => context.markings.get(jsonString(ref) ?? '')));
  return {
    ok: true,
    value: {
      feed: context.feedName,
      sourceId: jsonString(indicator.id),
      description: jsonString(indicator.description) ?? jsonString(indicator.name),
      reference,
      provider: createdBy === undefined ? undefined : context.identities.get(createdBy),
      tlp,
      confidence: confidence.value,
      validFrom: validFrom.value,
      validUntil: validUntil.value,
      tags,
      bulletin: context.bulletin,
    },
  };
}
