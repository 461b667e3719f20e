import { afterEach, beforeAll, inject } from 'vitest';
import { connect } from '../../src/io/engine/connect.js';
import type { Engine } from '../../src/io/engine/engine.js';
import type { EngineKind } from '../../src/local-engines/local-engine.js';
import { connectionFor, uniqueName, type TestEngineEndpoint } from './engines.js';

export interface EngineFixture {
  endpoint: TestEngineEndpoint;
  /** Connected in beforeAll. */
  engine: Engine;
  /** A unique index name, deleted after the test. */
  index: (label: string) => string;
  /** A unique pipeline id, deleted after the test. */
  pipeline: (label: string) => string;
}

/**
 * Per test file: connects to the engine of this flavour and removes every index and pipeline
 * a test named through the fixture, after each test.
 */
export function useEngine(flavor: EngineKind): EngineFixture {
  const endpoint = inject('engines').find((e) => e.flavor === flavor);
  if (!endpoint) throw new Error(`global setup provided no ${flavor}`);
  const indices: string[] = [];
  const pipelines: string[] = [];
  const fixture = {
    endpoint,
    engine: undefined as unknown as Engine,
    index: (label: string) => {
      const name = uniqueName(label);
      indices.push(name);
      return name;
    },
    pipeline: (label: string) => {
      const name = uniqueName(label);
      pipelines.push(name);
      return name;
    },
  };
  beforeAll(async () => {
    fixture.engine = await connect(connectionFor(endpoint));
    return async () => fixture.engine.close();
  });
  afterEach(async () => {
    await fixture.engine.deleteIndices(indices.splice(0));
    for (const id of pipelines.splice(0)) await fixture.engine.deletePipeline(id);
  });
  return fixture;
}
