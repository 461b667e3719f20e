/**
 * Local engines for tests and the demo, from Maven Central (no Docker):
 *
 *   npm run engine -- start opensearch|elasticsearch   # prints the URL when healthy
 *   npm run engine -- stop  opensearch|elasticsearch   # ends exactly the recorded pid
 *   npm run engine -- url   opensearch|elasticsearch   # URL of the running one
 *   npm run engine -- env   opensearch|elasticsearch   # `export IOCHUNT_TEST_...=` lines for a shell
 */
import { readLocalEngine, startLocalEngine, stopLocalEngine, type LocalEngine, type LocalFlavor } from '../src/local-engines/local-engine.js';

const [command, flavor] = process.argv.slice(2);
const flavors: readonly string[] = ['opensearch', 'elasticsearch'];

function usage(): never {
  console.error('usage: engine start|stop|url|env opensearch|elasticsearch');
  process.exit(2);
}

/** The environment variables the integration tests read (test/helpers/engines.ts). */
export function testEnv(engine: LocalEngine): Record<string, string> {
  const key = `IOCHUNT_TEST_${engine.flavor.toUpperCase()}`;
  return {
    [`${key}_URL`]: engine.url,
    ...(engine.username ? { [`${key}_USER`]: engine.username } : {}),
    ...(engine.password ? { [`${key}_PASSWORD`]: engine.password } : {}),
  };
}

async function main(): Promise<void> {
  if (!command || !flavor || !flavors.includes(flavor)) usage();
  const which = flavor as LocalFlavor;
  switch (command) {
    case 'start': {
      const engine = await startLocalEngine({ flavor: which, onProgress: (line) => console.error(line) });
      console.log(engine.url);
      return;
    }
    case 'stop': {
      const stopped = await stopLocalEngine(which);
      console.error(stopped ? `${flavor} stopped` : `no ${flavor} recorded`);
      return;
    }
    case 'url':
    case 'env': {
      const engine = await readLocalEngine(which);
      if (!engine) {
        console.error(`no ${flavor} running: npm run engine -- start ${flavor}`);
        process.exit(1);
      }
      if (command === 'url') console.log(engine.url);
      else for (const [name, value] of Object.entries(testEnv(engine))) console.log(`export ${name}=${value}`);
      return;
    }
    default:
      usage();
  }
}

// Run only as a script, not when with-engines.ts imports testEnv.
if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
