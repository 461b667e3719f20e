import type { TestProject } from 'vitest/node';
import { connect } from '../../src/io/engine/connect.js';
import { connectionFor, resolveTestEngines, type TestEngineEndpoint } from './engines.js';

declare module 'vitest' {
  export interface ProvidedContext {
    engines: TestEngineEndpoint[];
  }
}

/**
 * Finds (or starts) both engines once for the whole integration run, prints each engine's
 * version line so the log shows what the tests talked to, and hands the endpoints to the tests.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { endpoints, stop } = await resolveTestEngines();
  for (const endpoint of endpoints) {
    const engine = await connect(connectionFor(endpoint));
    try {
      const health = await engine.fetchHealth();
      console.log(
        `integration engine: ${engine.info.flavor} ${engine.info.version} (${endpoint.source}) at ${engine.info.url}, cluster ${engine.info.clusterName} ${health.status}`,
      );
    } finally {
      await engine.close();
    }
  }
  project.provide('engines', endpoints);
  return stop;
}
