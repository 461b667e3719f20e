/**
 * Cross-cluster index expressions: `<cluster>:<pattern>` names indices of a remote cluster, as
 * the engines' cross-cluster search reads them (README "Remote clusters"). Index names cannot
 * hold `:` on Elasticsearch 7+ and OpenSearch, so a colon always separates a cluster alias from
 * an index expression, except inside date math (`<logs-{now/d{yyyy.MM.dd|+12:00}}>`), which is a
 * local name. The cluster part may be a wildcard (`dc-*:logs-*`), as the engines allow.
 */

/** The parts of a remote index expression; `exclude` for `-<cluster>:<pattern>`. */
export interface RemoteIndexExpression {
  cluster: string;
  index: string;
  exclude: boolean;
}

/** `eu:logs-*` -> `{ cluster: 'eu', index: 'logs-*' }`; a local name or pattern -> undefined. */
export function parseRemoteIndex(expression: string): RemoteIndexExpression | undefined {
  const exclude = expression.startsWith('-');
  const body = exclude ? expression.slice(1) : expression;
  if (body.startsWith('<')) return undefined;
  const colon = body.indexOf(':');
  if (colon < 0) return undefined;
  return { cluster: body.slice(0, colon), index: body.slice(colon + 1), exclude };
}

/** Whether the expression (a pattern or a concrete name such as `eu:logs-2024`) names a remote cluster's indices. */
export function isRemoteIndex(expression: string): boolean {
  return parseRemoteIndex(expression) !== undefined;
}

/** The distinct cluster parts of the remote expressions among these (exclusions left out), in order. */
export function remoteClustersOf(expressions: readonly string[]): string[] {
  const clusters = expressions.flatMap((expression) => {
    const remote = parseRemoteIndex(expression);
    return remote && !remote.exclude ? [remote.cluster] : [];
  });
  return [...new Set(clusters)];
}

/** Whether a cluster part (`eu`, `dc-*`, `*`) names this configured alias: `*` matches any run of characters. */
export function matchesClusterAlias(pattern: string, alias: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === alias;
  const [first = '', ...rest] = parts;
  const last = rest.pop() ?? '';
  if (!alias.startsWith(first) || alias.length < first.length + last.length || !alias.endsWith(last)) return false;
  let at = first.length;
  const end = alias.length - last.length;
  for (const part of rest) {
    const found = alias.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}
