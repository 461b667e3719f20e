import type { Match } from './ioc-matcher.js';

/**
 * The first match of each IOC, in the given order. An event yields one alert per IOC (the
 * alert id ignores the field), and `IocMatcher.match` orders matches by the field table,
 * so this keeps the most specific field: `source.ip` before `related.ip`, which usually
 * repeats it.
 */
export function firstMatchPerIoc(matches: readonly Match[]): Match[] {
  const seen = new Set<string>();
  return matches.filter((match) => {
    if (seen.has(match.ioc.id)) return false;
    seen.add(match.ioc.id);
    return true;
  });
}
