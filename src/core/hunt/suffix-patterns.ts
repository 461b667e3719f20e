/**
 * Longest `regexp` value iochunt sends, in characters: under the engines' default
 * `index.max_regex_length` of 1,000 (Elasticsearch and OpenSearch refuse a longer pattern).
 */
export const MAX_SUFFIX_PATTERN_CHARS = 900;

/**
 * Most suffix patterns one query carries, over all its domain fields. Each is an automaton the
 * engine builds and runs on every shard the query reaches. Held to the clause limit alone, a
 * batch carried about a thousand (some 16,000 domains): a `hunt --dry-run` over 200,000 domain
 * IOCs had one such count reported at 7 GB of heap, and the 1 GB node died of it. Thirty hold
 * about 1,500 domains; a larger feed takes more batches, never a larger query.
 */
export const MAX_SUFFIX_PATTERNS_PER_QUERY = 30;

/** `.*\.(` and `)` around the alternatives. */
const PATTERN_OVERHEAD = 6;

/** A domain as a literal in Lucene regexp syntax: every character but `[a-z0-9]` escaped. */
function escapeDomain(domain: string): string {
  return domain.replace(/[^a-z0-9]/g, (c) => `\\${c}`);
}

/**
 * Packs domains, in the order given, into as few suffix patterns as fit
 * {@link MAX_SUFFIX_PATTERN_CHARS} (next fit: a pattern is closed when the next domain does
 * not fit). The planner packs a batch's domains with it to know how many clauses they cost,
 * the query builder to write them, so both agree; any subsequence packs into no more
 * patterns than the whole.
 */
export class SuffixPacker {
  readonly chunks: string[][] = [];
  private used = Number.POSITIVE_INFINITY;

  /** Whether adding this domain opens a new pattern. */
  opens(domain: string): boolean {
    return this.used + escapeDomain(domain).length + 1 > MAX_SUFFIX_PATTERN_CHARS;
  }

  add(domain: string): void {
    const escaped = escapeDomain(domain);
    if (this.opens(domain)) {
      this.chunks.push([]);
      this.used = PATTERN_OVERHEAD - 1;
    }
    this.chunks[this.chunks.length - 1]!.push(escaped);
    this.used += escaped.length + 1;
  }
}

/**
 * Lucene `regexp` values that match any name strictly below one of the domains, at a label
 * boundary: `.*\.(evil\.example|bad\.test)` matches `a.evil.example`, not `evil.example`
 * (the exact `terms` clause finds that) nor `xevil.example`. One pattern is one clause and one
 * automaton walked over each segment's terms once, however many domains it holds: a batch of
 * 1,000 domains costs about 20 clauses per field, where `wildcard` queries would cost 1,000.
 * The matcher still judges every hit.
 */
export function buildSuffixPatterns(domains: readonly string[]): string[] {
  const packer = new SuffixPacker();
  for (const domain of domains) packer.add(domain);
  return packer.chunks.map((chunk) => `.*\\.(${chunk.join('|')})`);
}
