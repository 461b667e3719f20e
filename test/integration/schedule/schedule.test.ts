import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { LOCK_ID } from '../../../src/io/store/state-records.js';
import type { TickRecord } from '../../../src/io/schedule/run-schedule.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { waitFor } from '../../helpers/wait-for.js';
import { uniqueName } from '../../helpers/engines.js';
import { syncCorpusFeeds, writeCorpus } from '../../helpers/hunt-corpus.js';

const MAIN = fileURLToPath(new URL('../../../dist/src/cli/main.js', import.meta.url));

interface Scheduler {
  child: ChildProcess;
  ticks: () => TickRecord[];
  exit: Promise<number | null>;
}

function startScheduler(args: string[]): Scheduler {
  const child = spawn(process.execPath, [MAIN, 'schedule', '--log-format', 'json', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  const ticks = (): TickRecord[] =>
    stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as TickRecord);
  return { child, ticks, exit };
}


describe('iochunt schedule', () => {
  const fx = useEngine('opensearch');
  const prefix = uniqueName('sched');
  const names = buildResourceNames(prefix);
  let indices: string[] = [];
  const common = (): string[] => ['--url', fx.endpoint.url, '--prefix', prefix, '--index', `${prefix}-logs-*`, '--concurrency', '1'];

  beforeAll(async () => {
    await syncCorpusFeeds(fx.engine, prefix);
    indices = await writeCorpus(fx.engine, prefix, 1500);
  });
  afterAll(async () => {
    await fx.engine.deleteIndices([...indices, names.iocs, names.state, `${names.alerts}-000001`]);
  });

  async function huntRuns(): Promise<{ run_id: string; started_at: string; updated_at: string; finished_at?: string; status: string }[]> {
    await fx.engine.refresh(names.state);
    const runs: { run_id: string; started_at: string; updated_at: string; finished_at?: string; status: string }[] = [];
    for await (const page of fx.engine.scanDocuments({ index: names.state, query: { term: { kind: 'hunt-run' } } })) {
      runs.push(...page.map((h) => h.source as unknown as (typeof runs)[number]));
    }
    return runs.sort((a, b) => (a.started_at < b.started_at ? -1 : 1));
  }

  it('SIGTERM mid-hunt leaves a resumable checkpoint and no lock', async () => {
    // Calendar units: the scheduler is stopped after 15 checkpoints.
    const scheduler = startScheduler([...common(), '--every', '1h', '--slice', 'month']);
    const run = await waitFor(async () => (await huntRuns().catch(() => []))[0], 90_000, 50);
    await waitFor(async () => ((await fx.engine.countDocuments(names.state, { term: { run_id: run.run_id } })) >= 15 ? true : undefined), 90_000, 50);
    scheduler.child.kill('SIGTERM');
    expect(await scheduler.exit).toBe(130);
    expect(scheduler.ticks().map((t) => t.action)).toEqual(['interrupted']);
    expect((await fx.engine.fetchDocuments(names.state, [LOCK_ID])).size).toBe(0);
    const [stopped] = await huntRuns();
    expect(stopped?.status).toBe('interrupted');
    const checkpoints = await fx.engine.countDocuments(names.state, { bool: { filter: [{ term: { kind: 'hunt-checkpoint' } }, { term: { run_id: stopped!.run_id } }] } });
    expect(checkpoints).toBeGreaterThan(0);
  });

  it('SIGTERM while idle between ticks exits 0, after the tick it finished, and leaves no lock', async () => {
    const scheduler = startScheduler([...common(), '--every', '1h']);
    const [tick] = await waitFor(() => (scheduler.ticks().length > 0 ? scheduler.ticks() : undefined), 90_000, 50);
    expect(tick?.action).toBe('hunted');
    expect((await fx.engine.fetchDocuments(names.state, [LOCK_ID])).size).toBe(0); // released: the scheduler is idle
    scheduler.child.kill('SIGTERM');
    expect(await scheduler.exit).toBe(0);
    expect(scheduler.ticks().map((t) => t.action)).toEqual(['hunted']);
  });

  it('two schedulers started together never hunt at the same time, and neither crashes', async () => {
    const a = startScheduler([...common(), '--every', '1s', '--ticks', '4', '--lock-ttl', '30s']);
    const b = startScheduler([...common(), '--every', '1s', '--ticks', '4', '--lock-ttl', '30s']);
    expect(await a.exit).toBe(0);
    expect(await b.exit).toBe(0);
    const ticks = [...a.ticks(), ...b.ticks()];
    expect(ticks).toHaveLength(8);
    expect(ticks.filter((t) => t.action === 'failed')).toEqual([]);
    const hunted = ticks.filter((t) => t.action === 'hunted');
    expect(hunted.length).toBeGreaterThanOrEqual(2);
    const runs = (await huntRuns()).filter((r) => hunted.some((t) => t.hunt?.runId === r.run_id));
    expect(runs).toHaveLength(hunted.length);
    for (let i = 1; i < runs.length; i++) {
      // Each run finished before the next one started: the lock serialised them.
      expect(runs[i]!.started_at >= runs[i - 1]!.finished_at!).toBe(true);
    }
  });

  it("takes over a killed scheduler's lock once it expires", async () => {
    // A source that never answers keeps the first scheduler inside its tick, holding the lock.
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const slow = `http://127.0.0.1:${(server.address() as { port: number }).port}/feed.txt`;
    try {
      const a = startScheduler([...common(), '--every', '1h', '--lock-ttl', '4s', '--sync', slow]);
      const held = await waitFor(async () => (await fx.engine.fetchDocuments(names.state, [LOCK_ID])).get(LOCK_ID)?.source, 90_000, 50);
      a.child.kill('SIGKILL');
      await a.exit;
      const b = startScheduler([...common(), '--every', '1s', '--ticks', '8', '--lock-ttl', '4s']);
      expect(await b.exit).toBe(0);
      const actions = b.ticks().map((t) => t.action);
      expect(actions[0]).toBe('skipped');
      expect(b.ticks()[0]!.lockHolder).toBe(held.owner);
      expect(actions).toContain('hunted');
      expect(actions.slice(actions.indexOf('hunted'))).not.toContain('skipped');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
