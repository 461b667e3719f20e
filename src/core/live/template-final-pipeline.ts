/**
 * What `GET _index_template` returns but `PUT _index_template` refuses: Elasticsearch 9.2 and
 * later add the creation and modification dates to every template (`bad_request` if sent back).
 */
const READ_ONLY_KEYS: ReadonlySet<string> = new Set(['created_date_millis', 'modified_date_millis', 'created_date', 'modified_date']);

/** The `index.final_pipeline` a composable index template sets, in flat or nested form. */
export function templateFinalPipeline(template: Record<string, unknown>): string | undefined {
  const settings = ((template.template as { settings?: Record<string, unknown> } | undefined)?.settings ?? {}) as Record<string, unknown>;
  const index = settings.index as { final_pipeline?: string } | undefined;
  return (settings['index.final_pipeline'] as string | undefined) ?? index?.final_pipeline;
}

/**
 * The template body to write back with `pipeline` as its `index.final_pipeline` (or none for
 * `null`): only the writable parts of the template as fetched, everything else kept as it was.
 * Pure: the input is not modified.
 */
export function withTemplateFinalPipeline(template: Record<string, unknown>, pipeline: string | null): Record<string, unknown> {
  const inner = { ...((template.template as Record<string, unknown> | undefined) ?? {}) };
  const settings = { ...((inner.settings as Record<string, unknown> | undefined) ?? {}) };
  delete settings['index.final_pipeline'];
  const index = { ...((settings.index as Record<string, unknown> | undefined) ?? {}) };
  if (pipeline === null) delete index.final_pipeline;
  else index.final_pipeline = pipeline;
  settings.index = index;
  inner.settings = settings;
  const writable = Object.fromEntries(Object.entries(template).filter(([key]) => !READ_ONLY_KEYS.has(key)));
  return { ...writable, template: inner };
}

