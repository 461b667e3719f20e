/**
 * Local engines for tests and the demo, from Maven Central (no Docker):
 *
 *   npm run engine -- start FLAVOR   # prints the URL when healthy
 *   npm run engine -- stop  FLAVOR   # ends exactly the recorded pid
 *   npm run engine -- url   FLAVOR   # URL of the running one
 *   npm run engine -- env   FLAVOR   # `export IOCHUNT_TEST_...=` lines for a shell
 *
 * FLAVOR: opensearch, elasticsearch, opensearch-secure (security plugin: TLS, users, roles),
 * opensearch-remote (a second cluster, searched from opensearch as a remote cluster: its `env`
 * adds the transport address to seed it with), opensearch-3 and elasticsearch-9 (the version
 * matrix: their `env` sets the variables of opensearch and elasticsearch, so the same tests run
 * on them).
 *
 * and a 3-node OpenSearch cluster, one JVM per node, for the tests that kill a node:
 *
 *   npm run engine -- start|stop|url|env opensearch-cluster
 */
import { readLocalCluster, startLocalCluster, stopLocalCluster, type LocalCluster } from '../src/local-engines/local-cluster.js';
import { LOCAL_FLAVORS, readLocalEngine, startLocalEngine, stopLocalEngine, type LocalEngine, type LocalFlavor } from '../src/local-engines/local-engine.js';

const [command, flavor] = process.argv.slice(2);
const flavors: readonly string[] = LOCAL_FLAVORS;
const CLUSTER = 'opensearch-cluster';

function usage(): never {
  console.error(`usage: engine start|stop|url|env ${[...flavors, CLUSTER].join('|')}`);
  process.exit(2);
}

/**
 * The stem of a flavour's variables. The version matrix's flavours stand in for their engine's
 * (opensearch-3 sets IOCHUNT_TEST_OPENSEARCH_*), so the same test files run on them unchanged.
 */
export function testKey(flavor: LocalFlavor): string {
  const stem = flavor === 'opensearch-3' ? 'opensearch' : flavor === 'elasticsearch-9' ? 'elasticsearch' : flavor;
  return `IOCHUNT_TEST_${stem.toUpperCase().replace(/-/g, '_')}`;
}

/** The environment variables the integration tests read (test/helpers/engines.ts). */
export function testEnv(engine: LocalEngine): Record<string, string> {
  const key = testKey(engine.flavor);
  return {
    [`${key}_URL`]: engine.url,
    ...(engine.username ? { [`${key}_USER`]: engine.username } : {}),
    ...(engine.password ? { [`${key}_PASSWORD`]: engine.password } : {}),
    ...(engine.ca ? { [`${key}_CA`]: engine.ca } : {}),
    // What `cluster.remote.<alias>.seeds` names (test/integration/hunt/remote-cluster.test.ts).
    ...(engine.flavor === 'opensearch-remote' && engine.transport ? { [`${key}_TRANSPORT`]: engine.transport } : {}),
  };
}

/**
 * The variables a cluster test reads: every live node's URL, and the state dir, so the test can
 * find the record (readLocalCluster) to kill and restart nodes.
 */
export function clusterTestEnv(cluster: LocalCluster): Record<string, string> {
  return { IOCHUNT_TEST_OPENSEARCH_CLUSTER_URLS: cluster.urls.join(','), IOCHUNT_TEST_OPENSEARCH_CLUSTER_STATE: cluster.stateDir };
}

async function clusterMain(): Promise<void> {
  switch (command) {
    case 'start': {
      const cluster = await startLocalCluster({ onProgress: (line) => console.error(line) });
      console.log(cluster.urls.join(','));
      return;
    }
    case 'stop': {
      const stopped = await stopLocalCluster();
      console.error(stopped ? `${CLUSTER} stopped` : `no ${CLUSTER} recorded`);
      return;
    }
    case 'url':
    case 'env': {
      const cluster = await readLocalCluster();
      if (!cluster) {
        console.error(`no ${CLUSTER} running: npm run engine -- start ${CLUSTER}`);
        process.exit(1);
      }
      if (command === 'url') console.log(cluster.urls.join(','));
      else for (const [name, value] of Object.entries(clusterTestEnv(cluster))) console.log(`export ${name}=${value}`);
      return;
    }
    default:
      usage();
  }
}

async function main(): Promise<void> {
  if (flavor === CLUSTER) return clusterMain();
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
