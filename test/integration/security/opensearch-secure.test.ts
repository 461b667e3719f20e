import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResourceNames } from '../../../src/core/resource-names.js';
import { connect } from '../../../src/io/engine/connect.js';
import type { Engine } from '../../../src/io/engine/engine.js';
import { uniqueName } from '../../helpers/engines.js';
import { ANSSI, expectedAlertIds, syncCorpusFeeds, writeCorpus } from '../../helpers/hunt-corpus.js';
import { runIochunt, stderrLines, type CliRun } from '../../helpers/run-cli.js';
import { cliAuth, createUser, documentedRoles, roleForPrefix, secureEngine, withoutOne, type RoleBody } from '../../helpers/secure-engine.js';

/**
 * OpenSearch with its security plugin (TLS on HTTP and transport, internal users, roles), from
 * `npm run engine -- start opensearch-secure`: the TLS flags, and each command's documented role
 * (docker/opensearch/iochunt-roles.yml) proven both sufficient and minimal.
 */
const secure = secureEngine();
const CORPUS = 120;
/** A permission refused by the security plugin, as the CLI prints it: one line naming the action. */
const REFUSAL = /^iochunt: permission denied .*no permissions for \[[^\]]+\]/;

let admin: Engine;
beforeAll(async () => {
  admin = await connect({ url: secure.url, user: secure.user, password: secure.password, ca: secure.ca });
  return async () => admin.close();
});

/** The user's lines on stderr without the run-id notice, the schedule's tick lines and warnings, which precede a failure. */
function failureLines(run: CliRun): string[] {
  return stderrLines(run).filter((line) => !/^iochunt: (hunt|sync) run /.test(line) && !/^tick \d+ at /.test(line) && !line.startsWith('iochunt: warning:'));
}

/** A user holding exactly `role`, with a fresh random password. */
async function userWith(role: RoleBody): Promise<{ name: string; password: string }> {
  const name = uniqueName('u').replace(/^t-/, 'iochunt-');
  const password = `Pw-${randomBytes(9).toString('hex')}`;
  await createUser(secure, name, password, role);
  return { name, password };
}

async function docCount(index: string, query?: Record<string, unknown>): Promise<number | undefined> {
  const [summary] = await admin.fetchIndexSummaries([index]);
  return summary?.exists ? admin.countDocuments(index, query) : undefined;
}

/** The statuses of the runs of one kind recorded in a prefix's state index (none when it does not exist). */
async function runStatuses(prefix: string, kind: 'hunt-run' | 'sync-run'): Promise<string[]> {
  const { state } = buildResourceNames(prefix);
  if ((await docCount(state)) === undefined) return [];
  await admin.refresh(state);
  const answer = await admin.search(state, { query: { term: { kind } }, size: 50 });
  return (answer.hits as { hits: { _source: { status: string } }[] }).hits.map((hit) => hit._source.status);
}

describe('TLS and credentials on the secured OpenSearch', () => {
  it('--ca with the cluster CA connects', async () => {
    const run = await runIochunt(['status', ...cliAuth(secure)]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^engine +opensearch 2\.19\.1 at https:\/\/127\.0\.0\.1:\d+/m);
  });

  it('without --ca, one line names the TLS reason and the flags', async () => {
    const run = await runIochunt(['status', '--url', secure.url, '--user', secure.user, '--password', secure.password]);
    expect(run.code).toBe(1);
    expect(stderrLines(run)).toEqual([expect.stringMatching(/^iochunt: TLS handshake with https:\/\/127\.0\.0\.1:\d+ failed \(.+\): .*--ca FILE .*--insecure/)]);
  });

  it('--insecure connects without the CA', async () => {
    const run = await runIochunt(['status', '--url', secure.url, '--insecure', '--user', secure.user, '--password', secure.password]);
    expect(run.code, run.stderr).toBe(0);
  });

  it('a wrong password fails in one line that does not echo it', async () => {
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const run = await runIochunt(['status', ...cliAuth(secure, secure.user, wrong)]);
    expect(run.code).toBe(1);
    expect(stderrLines(run)).toEqual([expect.stringMatching(/^iochunt: authentication failed at https:\/\/127\.0\.0\.1:\d+ for user "admin"/)]);
    expect(`${run.stdout}${run.stderr}`).not.toContain(wrong);
  });
});

describe('least privilege per command, proven (docker/opensearch/iochunt-roles.yml)', () => {
  const roles = documentedRoles();
  const base = uniqueName('sec');
  const logs = `${base}-logs-*`;
  let logIndices: string[] = [];

  beforeAll(async () => {
    logIndices = await writeCorpus(admin, base, CORPUS);
  });
  afterAll(async () => {
    await admin.deleteIndices([...logIndices, `${base}-*`]);
  });

  /**
   * Runs a command as a user holding the documented role, then as users holding it without each
   * one of its permissions in turn: the full role succeeds, every reduced one fails with one line
   * naming the missing action and leaves nothing half-written (`check`).
   */
  async function prove(
    roleName: string,
    command: {
      /** One prefix for every variant, for a command that writes nothing; default: a fresh one each. */
      prefix?: string;
      setup?: (prefix: string) => Promise<void>;
      args: (prefix: string) => string[];
      succeeded: (prefix: string, run: CliRun) => Promise<void>;
      nothingWritten: (prefix: string) => Promise<void>;
    },
  ): Promise<void> {
    const documented = roles[roleName];
    if (!documented) throw new Error(`${roleName} is not in docker/opensearch/iochunt-roles.yml`);
    const reductions = [...withoutOne(roleForPrefix(documented, 'p', logs))].length;
    // -1: the role as documented; then each reduction, made for the variant's own prefix.
    for (let variant = -1; variant < reductions; variant++) {
      const prefix = command.prefix ?? `${base}-${variant < 0 ? 'full' : `minus${variant}`}-${randomBytes(3).toString('hex')}`;
      const full = roleForPrefix(documented, prefix, logs);
      const reduced = variant < 0 ? undefined : [...withoutOne(full)][variant]!;
      const user = await userWith(reduced?.role ?? full);
      await command.setup?.(prefix);
      const run = await runIochunt([...command.args(prefix), ...cliAuth(secure, user.name, user.password)]);
      expect(`${run.stdout}${run.stderr}`).not.toContain(user.password);
      if (!reduced) {
        expect(run.code, `${roleName} as documented: ${run.stderr}`).toBe(0);
        await command.succeeded(prefix, run);
      } else {
        expect(run.code, `${roleName} without ${reduced.missing} must fail: ${run.stdout}`).toBe(1);
        expect(failureLines(run), `${roleName} without ${reduced.missing}`).toEqual([expect.stringMatching(REFUSAL)]);
        await command.nothingWritten(prefix).catch((error: Error) => {
          throw new Error(`${roleName} without ${reduced.missing}: ${error.message}`);
        });
      }
    }
  }

  it('status', async () => {
    const prefix = `${base}-st`;
    await syncCorpusFeeds(admin, prefix);
    await prove('iochunt_status', {
      prefix,
      args: () => ['status', '--prefix', prefix],
      succeeded: async (_, run) => expect(run.stdout).toMatch(new RegExp(`${prefix}-iocs +\\d+ docs?`)),
      nothingWritten: async () => undefined,
    });
  });

  it('sync', async () => {
    await prove('iochunt_sync', {
      args: (prefix) => ['sync', ANSSI, '--prefix', prefix],
      succeeded: async (prefix, run) => {
        expect(run.stdout).toMatch(/total: 161 added/);
        expect(await runStatuses(prefix, 'sync-run')).toEqual(['completed']);
      },
      nothingWritten: async (prefix) => {
        const iocs = await docCount(buildResourceNames(prefix).iocs);
        expect(iocs ?? 0, 'no IOC written').toBe(0);
        expect(await runStatuses(prefix, 'sync-run')).not.toContain('completed');
        expect((await runStatuses(prefix, 'sync-run')).every((status) => status === 'failed')).toBe(true);
      },
    });
  });

  it('hunt', async () => {
    await prove('iochunt_hunt', {
      setup: (prefix) => syncCorpusFeeds(admin, prefix),
      args: (prefix) => ['hunt', '--prefix', prefix, '--index', logs, '--json'],
      succeeded: async (prefix, run) => {
        expect(JSON.parse(run.stdout).totals.findings).toBe(expectedAlertIds(base, CORPUS).length);
        expect(await runStatuses(prefix, 'hunt-run')).toEqual(['completed']);
      },
      nothingWritten: async (prefix) => {
        const names = buildResourceNames(prefix);
        expect((await docCount(names.alerts)) ?? 0, 'no alert written').toBe(0);
        expect((await docCount(names.state, { term: { kind: 'hunt-checkpoint' } })) ?? 0, 'no checkpoint').toBe(0);
        expect((await runStatuses(prefix, 'hunt-run')).every((status) => status === 'failed')).toBe(true);
      },
    });
  });

  it('pipelines install', async () => {
    await prove('iochunt_pipelines', {
      setup: (prefix) => syncCorpusFeeds(admin, prefix),
      args: (prefix) => ['pipelines', 'install', '--prefix', prefix],
      succeeded: async (prefix) => expect(await admin.fetchPipeline(buildResourceNames(prefix).tagPipeline)).toBeDefined(),
      nothingWritten: async (prefix) => expect(await admin.fetchPipeline(buildResourceNames(prefix).tagPipeline)).toBeUndefined(),
    });
  });

  it('schedule (one tick: sync, live-tagging refresh, incremental hunt)', async () => {
    await prove('iochunt_schedule', {
      args: (prefix) => ['schedule', '--every', '1h', '--ticks', '1', '--sync', ANSSI, '--prefix', prefix, '--index', logs],
      succeeded: async (prefix) => {
        expect(await runStatuses(prefix, 'sync-run')).toEqual(['completed']);
        expect(await runStatuses(prefix, 'hunt-run')).toEqual(['completed']);
      },
      nothingWritten: async (prefix) => {
        const names = buildResourceNames(prefix);
        expect((await docCount(names.alerts)) ?? 0, 'no alert written').toBe(0);
        expect((await docCount(names.state, { term: { kind: 'hunt-checkpoint' } })) ?? 0, 'no checkpoint').toBe(0);
        expect(await runStatuses(prefix, 'hunt-run')).not.toContain('completed');
      },
    });
  });
});

describe('an index the hunter may not read', () => {
  const base = uniqueName('sec');
  let indices: string[] = [];
  afterAll(async () => {
    await admin.deleteIndices([...indices, `${base}-*`]);
  });

  it('is reported as skipped, with the engine reason, and the readable ones are hunted exactly', async () => {
    const prefix = `${base}-h`;
    indices = await writeCorpus(admin, base, CORPUS);
    // The same events again in an index the role does not cover, inside the hunted pattern.
    const secret = `${base}-secret-logs-2024`;
    await admin.createIndex(secret, { mappings: { properties: { '@timestamp': { type: 'date' }, source: { properties: { ip: { type: 'ip' } } } } } });
    await admin.bulk(`${JSON.stringify({ index: { _index: secret, _id: 'x' } })}\n${JSON.stringify({ '@timestamp': '2024-05-01T00:00:00Z', source: { ip: '105.154.12.165' } })}\n`, { refresh: true });
    await syncCorpusFeeds(admin, prefix);
    const user = await userWith(roleForPrefix(documentedRoles().iochunt_hunt!, prefix, `${base}-logs-*`));
    const run = await runIochunt(['hunt', '--prefix', prefix, '--index', `${base}-*logs-*`, '--json', ...cliAuth(secure, user.name, user.password)]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { totals: { findings: number }; indices: { skipped: { index: string; reason: string }[] } };
    expect(summary.indices.skipped).toEqual([{ index: secret, reason: expect.stringMatching(/^not readable by this user: no permissions for \[indices:data\/read\/search\]/) }]);
    expect(summary.totals.findings).toBe(expectedAlertIds(base, CORPUS).length);
  });
});
