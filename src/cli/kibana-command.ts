import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_HUNT_INDICES } from '../core/defaults.js';
import { toNdjson, type SavedObjectsTarget } from '../core/kibana/build-saved-objects.js';
import { detectTarget } from '../core/kibana/detect-target.js';
import { KibanaError, redactUrl, UsageError } from '../errors.js';
import { exportSavedObjects } from '../io/kibana/export-saved-objects.js';
import { importSavedObjects } from '../io/kibana/import-saved-objects.js';
import { warnOn, type CliContext } from './cli-context.js';
import { readInputFile, splitList, writeOutputFile } from './cli-helpers.js';
import { connectionOptionsFrom, type GlobalArgs } from './global-options.js';
import { PRODUCT, renderImport, summarizeObjects } from './render-kibana.js';

interface KibanaArgs extends GlobalArgs {
  action: 'export' | 'import';
  out?: string;
  target?: SavedObjectsTarget;
  feed?: string[];
  index: string[];
  kibanaUrl?: string;
  file?: string;
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
  const exportObjects = (args: KibanaArgs) =>
    exportSavedObjects({
      connection: { ...connectionOptionsFrom(args), onRetry: warnOn(context) },
      prefix: args.prefix,
      eventsPattern: args.index.join(','),
      onWarning: warnOn(context),
      ...(args.feed && args.feed.length > 0 ? { feeds: args.feed } : {}),
      ...(args.target ? { target: args.target } : {}),
    });
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
          coerce: splitList,
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
          await writeOutputFile(args.out, ndjson);
          context.out(
            args.json
              ? JSON.stringify({ out: args.out, target, objects: summarizeObjects(objects) }, null, 2)
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
        ndjson = await readInputFile(args.file);
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
        throw new KibanaError('server', `${failed} of ${result.results.length} saved object(s) were not imported into ${PRODUCT[target]} at ${shown}`);
      }
    },
  };
}
