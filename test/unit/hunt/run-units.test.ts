import { describe, expect, it } from 'vitest';
import { buildIocMatcher } from '../../../src/core/hunt/ioc-matcher.js';
import { DEFAULT_MATCH_FIELDS } from '../../../src/core/hunt/match-fields.js';
import { planHunt } from '../../../src/core/hunt/plan-hunt.js';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { ClusterError } from '../../../src/errors.js';
import { isUnitRetryable, runUnits, type RunUnitsOptions } from '../../../src/io/hunt/run-units.js';
import type { HuntProgress, HuntRunRecord, UnitRetry } from '../../../src/io/store/state-records.js';
import { StateStore } from '../../../src/io/store/state-store.js';
import { FakeEngine, type PageHook } from '../../helpers/fake-engine.js';
import { makeIoc } from './hunt-fixtures.js';

const names = buildResourceNames('t-units');
const IOC = makeIoc('45.83.1.2');
const LOGS = 'logs-2022';

/** 5 events touching the IOC, 3 that do not; pages of 2, so a fault can strike mid-unit. */
function seededEngine(hook?: PageHook): FakeEngine {
  const engine = new FakeEngine(hook);
  const events: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < 8; i++) {
    events[`e${i}`] = { '@timestamp': `2022-03-0${i + 1}T10:00:00.000Z`, destination: { ip: i < 5 ? '45.83.1.2' : '198.51.100.9' }, host: { name: `h${i}` } };
  }
  engine.seed(LOGS, events);
  return engine;
}

function setup(engine: FakeEngine, extra: Partial<RunUnitsOptions> = {}): RunUnitsOptions {
  const plan = planHunt({
    iocs: [IOC],
    indices: [{ name: LOGS, closed: false, fieldTypes: new Map([['@timestamp', 'date'], ['destination.ip', 'ip']]) }],
    fields: DEFAULT_MATCH_FIELDS,
    since: '2022-01-01T00:00:00.000Z',
    until: '2023-01-01T00:00:00.000Z',
    slice: 'none',
  });
  const progress: HuntProgress = { unitsTotal: plan.units.length, unitsDone: 0, eventsMatched: 0, alertsCreated: 0, alreadyFound: 0 };
  const record = (status: HuntRunRecord['status']): HuntRunRecord =>
    ({ kind: 'hunt-run', run_id: 'run-1', status, started_at: 'x', updated_at: 'y', details: { progress: { ...progress } } }) as HuntRunRecord;
  return {
    engine,
    state: new StateStore(engine, names.state),
    runId: 'run-1',
    phases: [{ name: 'history', plan, iocs: [IOC], matcher: buildIocMatcher([IOC]) }],
    units: plan.units.map((unit) => ({ phase: 0, unit, key: `history:${unit.key}` })),
    done: new Set(),
    progress,
    retries: [] as UnitRetry[],
    record,
    unitContext: { fields: DEFAULT_MATCH_FIELDS, names, pageSize: 2 },
    concurrency: 1,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    ...extra,
  };
}

const partial = (): ClusterError => new ClusterError('partial', 'scanning logs-2022: 1 of 2 shard(s) failed on logs-2022', { shards: { failed: 1, total: 2 }, indices: [LOGS] });
const checkpoints = (engine: FakeEngine): string[] => [...engine.docs(names.state).values()].filter((d) => d.kind === 'hunt-checkpoint').map((d) => String(d.unit));

describe('runUnits', () => {
  it('an undisturbed unit writes one alert per matching event, then its checkpoint', async () => {
    const engine = seededEngine();
    const options = setup(engine);
    await runUnits(options);
    expect(engine.docs(names.alerts).size).toBe(5);
    expect(options.progress).toMatchObject({ unitsDone: 1, eventsMatched: 8, alertsCreated: 5, alreadyFound: 0 });
    expect(checkpoints(engine)).toEqual([options.units[0]!.key]);
    expect(options.retries).toEqual([]);
  });

  it('a unit whose answer lost a shard mid-scan is redone from its start: same alerts, counted as created, one retry recorded', async () => {
    let failed = false;
    const engine = seededEngine(({ page }) => {
      if (page === 2 && !failed) {
        failed = true;
        throw partial();
      }
    });
    const options = setup(engine);
    await runUnits(options);
    expect(engine.docs(names.alerts).size).toBe(5);
    // The first attempt wrote the alerts of pages 0-1 before the fault; the replay found them again.
    expect(options.progress).toMatchObject({ unitsDone: 1, alertsCreated: 5, alreadyFound: 0, unitsRetried: 1 });
    expect(options.retries).toEqual([{ unit: options.units[0]!.key, attempt: 1, reason: expect.stringContaining('1 of 2 shard(s) failed') }]);
    expect(checkpoints(engine)).toHaveLength(1);
  });

  it('a unit that keeps failing ends the run failed, names --resume, and writes no checkpoint', async () => {
    const engine = seededEngine(({ page }) => {
      if (page === 1) throw partial();
    });
    const options = setup(engine);
    const error = await runUnits(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).kind).toBe('partial');
    expect((error as Error).message).toMatch(/1 of 2 shard\(s\) failed on logs-2022.*resume with --resume run-1/);
    expect(options.retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(checkpoints(engine)).toEqual([]);
    expect(engine.docs(names.state).get('run-1')).toMatchObject({ status: 'failed' });
  });

  it('does not retry what waiting cannot fix (permissions, blocks, bad requests)', async () => {
    let scans = 0;
    const engine = seededEngine(({ page }) => {
      if (page === 0) {
        scans += 1;
        throw new ClusterError('forbidden', 'permission denied scanning logs-2022', { statusCode: 403 });
      }
    });
    const options = setup(engine);
    await expect(runUnits(options)).rejects.toThrow(/permission denied/);
    expect(scans).toBe(1);
    expect(options.retries).toEqual([]);
  });

  it('retries partial answers, timeouts and overload, nothing else', () => {
    expect(isUnitRetryable(partial())).toBe(true);
    expect(isUnitRetryable(new ClusterError('timeout', 't'))).toBe(true);
    expect(isUnitRetryable(new ClusterError('server', 's', { statusCode: 503 }))).toBe(true);
    expect(isUnitRetryable(new ClusterError('server', 's', { statusCode: 429 }))).toBe(true);
    expect(isUnitRetryable(new ClusterError('server', 's', { statusCode: 400 }))).toBe(false);
    expect(isUnitRetryable(new ClusterError('server', 'blocked', { statusCode: 403, type: 'cluster_block_exception' }))).toBe(false);
    expect(isUnitRetryable(new ClusterError('unreachable', 'u'))).toBe(false);
    expect(isUnitRetryable(new Error('bug'))).toBe(false);
  });

  it('an index deleted mid-hunt is warned about and the unit finishes over the others', async () => {
    const engine = seededEngine();
    engine.seed('logs-gone', { g1: { '@timestamp': '2022-05-01T00:00:00.000Z', destination: { ip: '45.83.1.2' } } });
    const warnings: string[] = [];
    const options = setup(engine);
    const plan = options.phases[0]!.plan;
    plan.groups[0]!.indices.push('logs-gone');
    engine.indices.delete('logs-gone');
    // The fake refuses a missing index the way the engines do when ignore_unavailable is false.
    const scan = engine.scanDocuments.bind(engine);
    engine.scanDocuments = (o) => {
      if (o.index.split(',').includes('logs-gone')) throw new ClusterError('server', 'no such index [logs-gone]', { statusCode: 404, type: 'index_not_found_exception' });
      return scan(o);
    };
    await runUnits({ ...options, unitContext: { ...options.unitContext, onWarning: (w) => warnings.push(w) } });
    expect(warnings).toEqual([expect.stringMatching(/^logs-gone disappeared during the hunt: not searched from 2022-01-01\S* \(the slice that found it missing\) on$/)]);
    expect(engine.docs(names.alerts).size).toBe(5);
    expect(checkpoints(engine)).toHaveLength(1);
  });
});
