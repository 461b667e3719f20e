import type { Argv, CommandModule } from 'yargs';
import { parseEventsFile } from '../core/live/parse-events-file.js';
import { buildResourceNames } from '../core/resource-names.js';
import { UsageError } from '../errors.js';
import { attachTagPipeline, removeTagPipeline } from '../io/live/attach-tag-pipeline.js';
import { fetchTagStatus } from '../io/live/fetch-tag-status.js';
import { installTagPipeline, type InstallTagOptions } from '../io/live/install-tag-pipeline.js';
import type { CliContext } from './cli-context.js';
import { readInputFile, splitList, withEngine } from './cli-helpers.js';
import type { GlobalArgs } from './global-options.js';
import { renderInstall, renderRemove, renderTagStatus } from './render-pipelines.js';

interface PipelinesArgs extends GlobalArgs {
  attach?: string[];
  strategy: NonNullable<InstallTagOptions['strategy']>;
  file?: string;
}

export function pipelinesCommand(context: CliContext): CommandModule<GlobalArgs, PipelinesArgs> {
  const print = (args: GlobalArgs, json: unknown, text: string): void => context.out(args.json ? JSON.stringify(json, null, 2) : text);
  return {
    command: 'pipelines <action> [file]',
    describe: 'Live tagging: install, status, remove or simulate the <prefix>-tag ingest pipeline',
    builder: (yargs: Argv<GlobalArgs>) =>
      yargs
        .positional('action', { choices: ['install', 'status', 'remove', 'simulate'] as const, describe: 'What to do' })
        .positional('file', { type: 'string', describe: 'simulate: JSON/NDJSON events' })
        .option('attach', { type: 'string', array: true, describe: 'install: set as final_pipeline of these index templates, indices, data streams', coerce: splitList })
        .option('strategy', { choices: ['auto', 'enrich', 'script'] as const, default: 'auto' as const, describe: 'enrich (Elasticsearch), script (OpenSearch)' })
        .example('$0 pipelines install --attach logs-template', 'tag new events of indices created from logs-template')
        .example('$0 pipelines simulate events.ndjson', 'show what the pipeline does to these events') as never,
    handler: async (args) => {
      const action = (args as unknown as { action: string }).action;
      const names = buildResourceNames(args.prefix);
      // A missing or malformed events file fails before any connection.
      if (action === 'simulate' && !args.file) throw new UsageError('simulate needs a FILE of JSON or NDJSON events');
      const events = action === 'simulate' && args.file ? parseEventsFile(await readInputFile(args.file), args.file) : [];
      await withEngine(args, async (engine) => {
        if (action === 'install') {
          const report = await installTagPipeline(engine, { prefix: args.prefix, strategy: args.strategy, enrich: { onProgress: (line) => context.err(`iochunt: ${line}`) } });
          const attached = args.attach && args.attach.length > 0 ? await attachTagPipeline(engine, args.attach, args.prefix) : [];
          print(args, { ...report, attached }, renderInstall(report, attached));
        } else if (action === 'status') {
          const status = await fetchTagStatus(engine, args.prefix);
          print(args, status, renderTagStatus(status));
        } else if (action === 'remove') {
          const restored = await removeTagPipeline(engine, args.prefix);
          print(args, { removed: names.tagPipeline, restored }, renderRemove(names.tagPipeline, restored));
        } else {
          const results = await engine.simulatePipeline(names.tagPipeline, events);
          print(args, results, results.map((r) => JSON.stringify(r.doc?._source ?? r.error)).join('\n'));
        }
      }, context);
    },
  };
}
