import type { CommandModule } from 'yargs';
import { runDemo } from '../io/demo/run-demo.js';
import type { CliContext } from './cli-context.js';
import { DEMO_PREFIX } from '../core/defaults.js';
import { connectionOptionsFrom, isDefaulted, type GlobalArgs } from './global-options.js';
import { renderHunt } from './render-hunt.js';

interface DemoArgs extends GlobalArgs {
  keep: boolean;
  events: number;
}

export function demoCommand(context: CliContext): CommandModule<GlobalArgs, DemoArgs> {
  return {
    command: 'demo',
    describe: 'Start a local OpenSearch, load sample logs and the ANSSI APT31 bulletin, tag and hunt',
    builder: (yargs) =>
      yargs
        .option('keep', { type: 'boolean', default: false, describe: 'Leave the local engine running and print its URL' })
        .option('events', { type: 'number', default: 20_000, describe: 'Sample events to generate (2020 -> now)' }) as never,
    handler: async (args) => {
      // The demo's own engine unless a cluster was named (command line, environment or --config),
      // and its own prefix unless one was named, so a demo on a real cluster touches no real data.
      const explicit = !isDefaulted(args, 'url');
      const result = await runDemo({
        prefix: isDefaulted(args, 'prefix') ? DEMO_PREFIX : args.prefix,
        events: args.events,
        keep: args.keep,
        ...(explicit ? { connection: connectionOptionsFrom(args) } : {}),
        onStep: (line) => {
          if (!args.json) context.err(line);
        },
      });
      if (args.json) {
        context.out(JSON.stringify(result, null, 2));
        return;
      }
      const lines = [
        `loaded ${result.sync.totals.accepted} IOCs of ${result.sync.feeds.map((f) => f.name).join(', ')} (${result.sync.totals.rejected} rejected)`,
        ...(result.live ? [`live tagging: ${result.live.tagged}/${result.live.indexed} new events tagged`] : []),
        renderHunt(result.hunt),
        `planted: ${result.planted.reportable} historical event(s) since 2021-01-01${result.live ? ` and ${result.live.tagged} live one(s)` : ''} are the findings above; ${result.planted.beforeHuntFrom} before 2021-01-01 is not reported`,
        ...(result.localEngine
          ? [
              result.localEngine.running
                ? `local OpenSearch still running at ${result.localEngine.url}: try "iochunt status --url ${result.localEngine.url} --prefix iochunt-demo"; stop it with "npm run engine -- stop opensearch"`
                : 'local OpenSearch stopped (--keep leaves it running)',
            ]
          : []),
      ];
      context.out(lines.join('\n'));
    },
  };
}
