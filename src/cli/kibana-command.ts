import { readFile, writeFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import { buildSavedObjects, toNdjson, type SavedObject, type SavedObjectsTarget } from '../core/kibana/build-saved-objects.js';
import { buildResourceNames } from '../core/resource-names.js';
import { ClusterError, redactUrl, SourceError, UsageError } from '../errors.js';
import { connect } from '../io/engine/connect.js';
import type { Engine } from '../io/engine/engine.js';
import { importSavedObjects, type ImportSavedObjectsResult } from '../io/kibana/import-saved-objects.js';
import { DEFAULT_HUNT_INDICES } from '../core/defaults.js';
import type { CliContext } from './cli-context.js';
import { connectionOptionsFrom, type GlobalArgs } from './global-options.js';

interface KibanaArgs extends GlobalArgs {
  action: 'export' | 'import';
  out?: string;
  target?: SavedObjectsTarget;
  feed?: string[];
  index: string[];
  kibanaUrl?: string;
  file?: string;
}

/** Feeds beyond this many get no saved search of their own (they stay in "all findings"). */
const MAX_FEEDS = 1000;

const warn = (message: string): void => {
  process.stderr.write(`iochunt: warning: ${message}\n`);
};

/**
 * The feed names in `<prefix>-iocs` (a terms aggregation on `threat.feed.name`; an IOC listed by
 * two feeds counts for both). A missing index gives none.
 */
export async function fetchFeedNames(engine: Engine, prefix: string): Promise<string[]> {
  const body = await engine.search(buildResourceNames(prefix).iocs, {
    size: 0,
    track_total_hits: false,
    aggs: { feeds: { terms: { field: 'threat.feed.name', size: MAX_FEEDS, order: { _key: 'asc' } } } },
  });
  const feeds = (body.aggregations as { feeds?: { buckets?: { key: unknown }[]; sum_other_doc_count?: number } } | undefined)?.feeds;
  if ((feeds?.sum_other_doc_count ?? 0) > 0) {
    warn(`more than ${MAX_FEEDS} feeds: only the first ${MAX_FEEDS} by name get a saved search; name others with --feed`);
  }
  return (feeds?.buckets ?? []).map((bucket) => String(bucket.key));
}

interface ExportPlan {
  feeds: string[];
  target: SavedObjectsTarget;
}

/**
 * Feeds and target for an export. The cluster is asked only for what the flags leave open: the
 * feed names (without --feed) and the target (without --target: Dashboards for OpenSearch).
 * When only the target is missing and the cluster is unreachable, the export targets Kibana.
 */
async function planExport(args: KibanaArgs): Promise<ExportPlan> {
  const givenFeeds = args.feed && args.feed.length > 0 ? args.feed : undefined;
  if (givenFeeds && args.target) return { feeds: givenFeeds, target: args.target };
  let engine: Engine;
  try {
    engine = await connect(connectionOptionsFrom(args));
  } catch (error) {
    if (!givenFeeds || !(error instanceof ClusterError)) throw error;
    warn(`${error.message}; exporting for Kibana (set --target dashboards for OpenSearch Dashboards)`);
    return { feeds: givenFeeds, target: 'kibana' };
  }
  try {
    const target = args.target ?? (engine.info.flavor === 'opensearch' ? 'dashboards' : 'kibana');
    const feeds = givenFeeds ?? (await fetchFeedNames(engine, args.prefix));
    if (feeds.length === 0) {
      warn(`no feeds in ${buildResourceNames(args.prefix).iocs} yet: no per-feed saved searches (run iochunt sync first, or name feeds with --feed)`);
    }
    return { feeds, target };
  } finally {
    await engine.close();
  }
}

async function exportObjects(args: KibanaArgs): Promise<{ objects: SavedObject[]; target: SavedObjectsTarget }> {
  const plan = await planExport(args);
  const objects = buildSavedObjects({ prefix: args.prefix, feeds: plan.feeds, target: plan.target, eventsPattern: args.index.join(',') });
  return { objects, target: plan.target };
}

const PRODUCT: Record<SavedObjectsTarget, string> = { kibana: 'Kibana', dashboards: 'OpenSearch Dashboards' };

function summarize(objects: readonly SavedObject[]): { id: string; type: string; title: string }[] {
  return objects.map((o) => ({ id: o.id, type: o.type, title: String(o.attributes.title) }));
}

/** Kibana exports carry `coreMigrationVersion`/`typeMigrationVersion`; Dashboards ones only `migrationVersion`. */
export function detectTarget(ndjson: string): SavedObjectsTarget {
  if (/"(?:core|type)MigrationVersion"\s*:/.test(ndjson)) return 'kibana';
  return /"migrationVersion"\s*:/.test(ndjson) ? 'dashboards' : 'kibana';
}

function renderImport(result: ImportSavedObjectsResult, target: SavedObjectsTarget, url: string): string {
  const width = Math.max(...result.results.map((r) => r.type.length));
  const lines = result.results.map((r) => {
    const what = `${r.type.padEnd(width)}  ${r.id}${r.title ? `  "${r.title}"` : ''}`;
    if (!r.ok) return `failed    ${what}: ${r.error ?? 'refused'}`;
    return `imported  ${what}${r.destinationId ? ` (stored as ${r.destinationId})` : ''}`;
  });
  const done = result.results.filter((r) => r.ok).length;
  lines.push(`${done}/${result.results.length} saved object(s) imported into ${PRODUCT[target]} at ${url}`);
  return lines.join('\n');
}

/** Flags that belong to the other action, or a missing --kibana-url: exit 2 before any work. */
function validateFlags(args: KibanaArgs): void {
  if (args.action === 'import' && !args.kibanaUrl) throw new UsageError('kibana import needs --kibana-url URL (e.g. http://localhost:5601)');
  if (args.action === 'export' && (args.kibanaUrl !== undefined || args.file !== undefined)) throw new UsageError('--kibana-url and --file are for kibana import');
  if (args.action === 'import' && args.out !== undefined) throw new UsageError('--out is for kibana export (import sends the objects to --kibana-url)');
}

/**
 * `iochunt kibana export|import`: saved objects (data views and saved searches) for triage in
 * Kibana or OpenSearch Dashboards. Export writes NDJSON to `--out` or stdout; import sends
 * `--file` (default: a fresh export) to `--kibana-url`, overwriting the objects of a previous
 * import (ids are stable), with the global --user/--password or --api-key.
 */
export function kibanaCommand(context: CliContext): CommandModule<GlobalArgs, KibanaArgs> {
  return {
    command: 'kibana <action>',
    describe: 'Saved objects for triage: export NDJSON, or import it into Kibana / OpenSearch Dashboards',
    builder: (yargs: Argv<GlobalArgs>) =>
      yargs
        .positional('action', { choices: ['export', 'import'] as const, describe: 'export: write NDJSON; import: send it to --kibana-url' })
        .option('out', { type: 'string', describe: 'export: write to this file (default: stdout)' })
        .option('target', {
          choices: ['kibana', 'dashboards'] as const,
          describe: 'Object shape: Kibana 8.8+/9.x or OpenSearch Dashboards 2.x/3.x',
          defaultDescription: 'from the cluster (OpenSearch: dashboards), or from --file',
        })
        .option('feed', { type: 'string', array: true, describe: 'One saved search per feed; repeat for several', defaultDescription: 'every feed in <prefix>-iocs' })
        .option('index', {
          type: 'string',
          array: true,
          default: [...DEFAULT_HUNT_INDICES],
          describe: 'Index patterns of the live-tagged events (data view title)',
          coerce: (values: string[]) => values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean),
        })
        .option('kibana-url', { type: 'string', describe: 'import: Kibana or OpenSearch Dashboards URL (a /s/<space> path selects a space)' })
        .option('file', { type: 'string', describe: 'import: this NDJSON export (default: export now)' })
        .example('$0 kibana export --out iochunt.ndjson', 'data views and saved searches for every feed, as a file')
        .example('$0 kibana import --kibana-url http://localhost:5601', 'export and import in one step (re-running overwrites)') as never,
    handler: async (args) => {
      validateFlags(args);
      if (args.action === 'export') {
        const { objects, target } = await exportObjects(args);
        const ndjson = toNdjson(objects);
        if (args.out) {
          await writeFile(args.out, ndjson).catch((error: NodeJS.ErrnoException) => {
            throw new SourceError(`cannot write ${args.out}: ${error.code ?? error.message}`, { cause: error });
          });
          context.out(
            args.json
              ? JSON.stringify({ out: args.out, target, objects: summarize(objects) }, null, 2)
              : `wrote ${objects.length} saved object(s) for ${PRODUCT[target]} to ${args.out}`,
          );
        } else {
          context.out(args.json ? JSON.stringify({ target, objects }, null, 2) : ndjson.replace(/\n$/, ''));
        }
        return;
      }

      let ndjson: string;
      let target: SavedObjectsTarget;
      if (args.file) {
        const file = args.file;
        ndjson = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
          throw new SourceError(`cannot read ${file}: ${error.code ?? error.message}`, { cause: error });
        });
        target = args.target ?? detectTarget(ndjson);
      } else {
        const exported = await exportObjects(args);
        ndjson = toNdjson(exported.objects);
        target = exported.target;
      }
      const kibanaUrl = args.kibanaUrl as string;
      const result = await importSavedObjects({
        kibanaUrl,
        ndjson,
        target,
        ...(args.file ? { sourceName: args.file } : {}),
        ...(args.user === undefined ? {} : { user: args.user }),
        ...(args.password === undefined ? {} : { password: args.password }),
        ...(args.apiKey === undefined ? {} : { apiKey: args.apiKey }),
      });
      const shown = redactUrl(kibanaUrl);
      context.out(args.json ? JSON.stringify({ kibanaUrl: shown, target, ...result }, null, 2) : renderImport(result, target, shown));
      if (!result.success) {
        const failed = result.results.filter((r) => !r.ok).length;
        throw new ClusterError('server', `${failed} of ${result.results.length} saved object(s) were not imported into ${PRODUCT[target]} at ${shown}`);
      }
    },
  };
}
