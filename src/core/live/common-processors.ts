/**
 * Processor types present on every ingest node: a pipeline may run on any of them, so a
 * processor counts as available only if all have it. Sorted; no nodes means none.
 */
export function commonProcessors(perNode: readonly (readonly string[])[]): string[] {
  const [first, ...rest] = perNode;
  if (!first) return [];
  return [...new Set(first)].filter((type) => rest.every((node) => node.includes(type))).sort();
}
