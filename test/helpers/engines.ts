/**
 * Where integration tests find their engines, in this order:
 * 1. the environment: IOCHUNT_TEST_OPENSEARCH_URL, IOCHUNT_TEST_ELASTICSEARCH_URL (+ _USER,
 *    _PASSWORD), as set by `npm run test:all` / `.ci/run` or by a developer;
 * 2. testcontainers, when a Docker engine answers;
 * 3. otherwise a failure that says how to start one. Never a skip.
 */
import type { ConnectionOptions } from '../../src/io/engine/connection-options.js';
import type { EngineKind } from '../../src/local-engines/local-engine.js';

export interface TestEngineEndpoint {
  flavor: EngineKind;
  url: string;
  user?: string;
  password?: string;
  /** How it was found, for the log line. */
  source: 'environment' | 'testcontainers';
}

const IMAGES: Record<EngineKind, string> = {
  opensearch: 'opensearchproject/opensearch:2.19.1',
  elasticsearch: 'docker.elastic.co/elasticsearch/elasticsearch:8.19.9',
};

export function fromEnvironment(flavor: EngineKind, env: NodeJS.ProcessEnv = process.env): TestEngineEndpoint | undefined {
  const key = `IOCHUNT_TEST_${flavor.toUpperCase()}`;
  const url = env[`${key}_URL`];
  if (!url) return undefined;
  const user = env[`${key}_USER`];
  const password = env[`${key}_PASSWORD`];
  return { flavor, url, source: 'environment', ...(user ? { user } : {}), ...(password ? { password } : {}) };
}

export function missingEngineMessage(flavor: EngineKind): string {
  const key = `IOCHUNT_TEST_${flavor.toUpperCase()}`;
  return [
    `No ${flavor} for the integration tests. Either:`,
    `  - run everything with local engines: npm run test:all`,
    `  - or start one: npm run engine -- start ${flavor} && eval "$(npm run -s engine -- env ${flavor})"`,
    `    (sets ${key}_URL${flavor === 'elasticsearch' ? `, ${key}_USER and ${key}_PASSWORD` : ''})`,
    `  - or start a Docker engine, and testcontainers will run ${IMAGES[flavor]}`,
  ].join('\n');
}

async function dockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export interface StartedContainers {
  endpoints: TestEngineEndpoint[];
  stop: () => Promise<void>;
}

/** Starts the engines the environment does not provide, with testcontainers. */
async function startContainers(flavors: EngineKind[]): Promise<StartedContainers> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const started = await Promise.all(
    flavors.map(async (flavor) => {
      if (flavor === 'opensearch') {
        const container = await new GenericContainer(IMAGES.opensearch)
          .withEnvironment({
            'discovery.type': 'single-node',
            DISABLE_SECURITY_PLUGIN: 'true',
            OPENSEARCH_JAVA_OPTS: '-Xms1g -Xmx1g',
          })
          .withExposedPorts(9200)
          .withWaitStrategy(Wait.forHttp('/_cluster/health', 9200).forStatusCode(200))
          .withStartupTimeout(180_000)
          .start();
        const endpoint: TestEngineEndpoint = {
          flavor,
          url: `http://${container.getHost()}:${container.getMappedPort(9200)}`,
          source: 'testcontainers',
        };
        return { endpoint, container };
      }
      const password = 'iochunt-test-password';
      const container = await new GenericContainer(IMAGES.elasticsearch)
        .withEnvironment({
          'discovery.type': 'single-node',
          ELASTIC_PASSWORD: password,
          'xpack.security.enabled': 'true',
          'xpack.security.http.ssl.enabled': 'false',
          ES_JAVA_OPTS: '-Xms1g -Xmx1g',
        })
        .withExposedPorts(9200)
        .withWaitStrategy(Wait.forHttp('/_cluster/health', 9200).withBasicCredentials('elastic', password).forStatusCode(200))
        .withStartupTimeout(180_000)
        .start();
      const endpoint: TestEngineEndpoint = {
        flavor,
        url: `http://${container.getHost()}:${container.getMappedPort(9200)}`,
        user: 'elastic',
        password,
        source: 'testcontainers',
      };
      return { endpoint, container };
    }),
  );
  return {
    endpoints: started.map((s) => s.endpoint),
    stop: async () => {
      await Promise.all(started.map((s) => s.container.stop()));
    },
  };
}

/**
 * Resolves both engines (environment first, then testcontainers). Throws with
 * {@link missingEngineMessage} when one can be found neither way.
 */
export async function resolveTestEngines(
  flavors: EngineKind[] = ['opensearch', 'elasticsearch'],
): Promise<{ endpoints: TestEngineEndpoint[]; stop: () => Promise<void> }> {
  const fromEnv = flavors.map((flavor) => fromEnvironment(flavor)).filter((e): e is TestEngineEndpoint => e !== undefined);
  const missing = flavors.filter((flavor) => !fromEnv.some((e) => e.flavor === flavor));
  if (missing.length === 0) return { endpoints: fromEnv, stop: async () => undefined };
  if (!(await dockerAvailable())) throw new Error(missing.map(missingEngineMessage).join('\n\n'));
  const containers = await startContainers(missing);
  return { endpoints: [...fromEnv, ...containers.endpoints], stop: containers.stop };
}

export function connectionFor(endpoint: TestEngineEndpoint, overrides: Partial<ConnectionOptions> = {}): ConnectionOptions {
  return {
    url: endpoint.url,
    ...(endpoint.user ? { user: endpoint.user } : {}),
    ...(endpoint.password ? { password: endpoint.password } : {}),
    retry: { attempts: 2, baseDelayMs: 50, maxDelayMs: 200 },
    ...overrides,
  };
}

let counter = 0;
/** A name no other test uses: lower case, valid as an index, pipeline or prefix name. */
export function uniqueName(label: string): string {
  counter += 1;
  return `t-${label}-${process.pid}-${Date.now().toString(36)}-${counter}`.toLowerCase();
}
