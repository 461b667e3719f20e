import type { CommandModule } from 'yargs';
import { fetchStatus } from '../io/status/fetch-status.js';
import { withEngine } from './cli-helpers.js';
import type { GlobalArgs } from './global-options.js';
import { renderStatus } from './render-status.js';
import type { CliContext } from './cli-context.js';

export function statusCommand(context: CliContext): CommandModule<GlobalArgs, GlobalArgs> {
  return {
    command: 'status',
    describe: 'Show engine, cluster health, and iochunt indices and pipelines',
    handler: async (args) => {
      const report = await withEngine(args, (engine) => fetchStatus(engine, args.prefix), context);
      context.out(args.json ? JSON.stringify(report, null, 2) : renderStatus(report));
    },
  };
}
