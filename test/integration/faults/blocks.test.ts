import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { ClusterError } from '../../../src/errors.js';
import { runHunt } from '../../../src/io/hunt/run-hunt.js';
import { fetchAlertIds, prefixIndices } from '../../helpers/alert-ids.js';
import { useEngine } from '../../helpers/engine-fixture.js';
import { uniqueName } from '../../helpers/engines.js';
import { syncCorpusFeeds, writeCorpus } from '../../helpers/hunt-corpus.js';

const EVENTS = 1500;

/** The flood-stage block (what a full disk sets) and an operator's write block. */
type Block = 'index.blocks.read_only_allow_delete' | 'index.blocks.write';

describe.each(['opensearch', 'elasticsearch'] as const)('a blocked alerts or state index mid-hunt on %s', (flavor) => {
  const fx = useEngine(flavor);
  const corpus = uniqueName('blocks');
  const logs = `${corpus}-logs-*`;
  const prefixes: string[] = [];
  let indices: string[] = [];
  let reference: string[] = [];

  async function setBlock(index: string, block: Block, on: boolean): Promise<void> {
    const client = (fx.engine as unknown as { client: { indices: { putSettings: (p: unknown) => Promise<unknown> } } }).client;
    const settings = { [block]: on ? true : null };
    await client.indices.putSettings(flavor === 'opensearch' ? { index, body: settings } : { index, settings });
  }

  const alertIds = (prefix: string): Promise<string[]> => fetchAlertIds(fx.engine, prefix);

  async function freshPrefix(label: string): Promise<string> {
    const prefix = uniqueName(`${label}-${flavor.slice(0, 2)}`);
    prefixes.push(prefix);
    await syncCorpusFeeds(fx.engine, prefix);
    return prefix;
  }

  beforeAll(async () => {
    indices = await writeCorpus(fx.engine, corpus, EVENTS);
    const prefix = await freshPrefix('ref');
    await runHunt(fx.engine, { prefix, index: [logs] });
    reference = await alertIds(prefix);
  });
  afterAll(async () => {
    const all = prefixes.flatMap(prefixIndices);
    for (const index of all) await setBlock(index, 'index.blocks.read_only_allow_delete', false).catch(() => undefined);
    await fx.engine.deleteIndices([...indices, ...all]);
  });

  it.each([
    ['alerts', 'index.blocks.read_only_allow_delete'],
    ['alerts', 'index.blocks.write'],
    ['state', 'index.blocks.read_only_allow_delete'],
  ] as const)('%s index under %s: one line naming the block and --resume; lifted, --resume gives the exact set', async (which, block) => {
    const prefix = await freshPrefix(`${which}-${block.endsWith('write') ? 'w' : 'ro'}`);
    const names = buildResourceNames(prefix);
    const target = which === 'alerts' ? `${names.alerts}-000001` : names.state;
    let runId = '';
    let blocked: Promise<void> | undefined;
    const error = await runHunt(fx.engine, {
      prefix,
      index: [logs],
      concurrency: 1,
      onRunId: (id) => (runId = id),
      // Awaited by the hunt (concurrency 1): the block is on before the second unit starts.
      onProgress: async (p) => {
        if (p.unitsDone === 1 && !blocked) {
          blocked = setBlock(target, block, true);
          await blocked;
        }
      },
    }).catch((e: unknown) => e);
    await blocked;
    expect(error, 'the hunt must stop at the block').toBeInstanceOf(ClusterError);
    const message = (error as Error).message;
    expect(message).not.toMatch(/\n/);
    expect(message).toMatch(/cluster_block_exception|blocked/);
    expect(message).toMatch(/blocked/);
    expect(message).toMatch(new RegExp(`resume with --resume ${runId}\\)$`));
    // What was found before the block stays; nothing after it was checkpointed without its alerts.
    await setBlock(target, block, false);
    const resumed = await runHunt(fx.engine, { prefix, resume: runId });
    expect(resumed.status).toBe('completed');
    expect(await alertIds(prefix)).toEqual(reference);
    expect(resumed.progress.alertsCreated + resumed.progress.alreadyFound).toBeGreaterThanOrEqual(reference.length);
  });
});
