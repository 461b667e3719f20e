import { readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../errors.js';
import { buildResourceNames } from '../core/resource-names.js';
import { attachTagPipeline, fetchAttachments, removeTagPipeline } from '../io/live/attach-tag-pipeline.js';
import { fetchTagPipelineRecord, installTagPipeline, type InstallTagOptions } from '../io/live/install-tag-pipeline.js';
import type { TagPipelineRecord } from '../io/store/state-records.js';
import type { CliContext } from './cli-context.js';
import { withEngine } from './cli-helpers.js';
import type { GlobalArgs } from './global-options.js';

interface PipelinesArgs extends GlobalArgs {
  attach?: string[];
  strategy: NonNullable<InstallTagOptions['strategy']>;
  file?: string;
}

/** Events for `pipelines simulate`: a JSON array, one object, or NDJSON (one event per line). */
export function parseEventsFile(text: string, file: string): Record<string, unknown>[] {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('[')) return JSON.parse(trimmed) as Record<string, unknown>[];
    return trimmed
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  } catch (error) {
    throw new InputError(`not JSON or NDJSON events: ${(error as Error).message}`, { file });
  }
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
        .option('attach', { type: 'string', array: true, describe: 'install: set as final_pipeline of these index templates, indices, data streams' })
        .option('strategy', { choices: ['auto', 'enrich', 'script'] as const, default: 'auto' as const, describe: 'enrich (Elasticsearch), script (OpenSearch)' })
        .example('$0 pipelines install --attach logs-template', 'tag new events of indices created from logs-template')
        .example('$0 pipelines simulate events.ndjson', 'show what the pipeline does to these events') as never,
    handler: async (args) => {
      const action = (args as unknown as { action: string }).action;
      const names = buildResourceNames(args.prefix);
      await withEngine(args, async (engine) => {
        if (action === 'install') {
          const report = await installTagPipeline(engine, { prefix: args.prefix, strategy: args.strategy });
          const attached = args.attach && args.attach.length > 0 ? await attachTagPipeline(engine, args.attach.flatMap((a) => a.split(',')), args.prefix) : [];
          print(
            args,
            { ...report, attached },
            [
              `${report.pipeline}: ${report.strategy} strategy, IOC set version ${report.setVersion}, ${report.iocs} active IOC(s)${report.unchanged ? ' (already up to date)' : ''}`,
              ...(report.skippedIpv6Networks ? [`warning: ${report.skippedIpv6Networks} IPv6 network IOC(s) cannot be matched by the script strategy (the retro-hunt covers them)`] : []),
              ...attached.map((a) => `attached to ${a.target_type} ${a.target} as final pipeline ${a.pipeline}${a.previous ? ` (keeps running ${a.previous})` : ''}`),
            ].join('\n'),
          );
        } else if (action === 'status') {
          const pipeline = await engine.fetchPipeline(names.tagPipeline);
          const attachments = await fetchAttachments(engine, args.prefix);
          const meta = (await fetchTagPipelineRecord(engine, names)) ?? ({} as Partial<TagPipelineRecord>);
          const status = { pipeline: names.tagPipeline, installed: pipeline !== undefined, strategy: meta.strategy, setVersion: meta.set_version, iocs: meta.iocs, attachments };
          print(
            args,
            status,
            pipeline
              ? [`${names.tagPipeline}: ${meta.strategy} strategy, IOC set version ${meta.set_version}, ${meta.iocs} active IOC(s)`, ...attachments.map((a) => `attached: ${a.target_type} ${a.target} -> ${a.pipeline}${a.previous ? ` (was ${a.previous})` : ''}`)].join('\n')
              : `${names.tagPipeline}: not installed`,
          );
        } else if (action === 'remove') {
          const restored = await removeTagPipeline(engine, args.prefix);
          print(args, { removed: names.tagPipeline, restored }, [`removed ${names.tagPipeline}`, ...restored.map((a) => `restored ${a.target_type} ${a.target} final pipeline: ${a.previous ?? '(none)'}`)].join('\n'));
        } else {
          if (!args.file) throw new InputError('simulate needs a FILE of JSON or NDJSON events');
          const events = parseEventsFile(readFileSync(args.file, 'utf8'), args.file);
          const results = await engine.simulatePipeline(names.tagPipeline, events);
          print(args, results, results.map((r) => JSON.stringify(r.doc?._source ?? r.error)).join('\n'));
        }
      });
    },
  };
}
