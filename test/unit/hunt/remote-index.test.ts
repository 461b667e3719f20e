import { describe, expect, it } from 'vitest';
import { isRemoteIndex, matchesClusterAlias, parseRemoteIndex, remoteClustersOf } from '../../../src/core/remote-index.js';
import { ClusterError, ConfigError } from '../../../src/errors.js';
import { resolveHuntedIndices } from '../../../src/io/hunt/readable-indices.js';
import { FakeEngine } from '../../helpers/fake-engine.js';

describe('remote index expressions (README "Remote clusters")', () => {
  it('splits <cluster>:<pattern> at the first colon; a name without one, or date math, is local', () => {
    expect(parseRemoteIndex('eu:logs-*')).toEqual({ cluster: 'eu', index: 'logs-*', exclude: false });
    expect(parseRemoteIndex('dc-*:logs-2024')).toEqual({ cluster: 'dc-*', index: 'logs-2024', exclude: false });
    expect(parseRemoteIndex('-eu:logs-old')).toEqual({ cluster: 'eu', index: 'logs-old', exclude: true });
    expect(parseRemoteIndex('logs-*')).toBeUndefined();
    expect(parseRemoteIndex('<logs-{now/d{yyyy.MM.dd|+12:00}}>')).toBeUndefined();
    expect(isRemoteIndex('eu:logs-2024')).toBe(true);
    expect(isRemoteIndex('-logs-old')).toBe(false);
  });

  it('lists each named cluster once, in order, exclusions left out', () => {
    expect(remoteClustersOf(['eu:logs-a', 'logs-b', 'us:logs-c', 'eu:logs-d', '-asia:logs-e'])).toEqual(['eu', 'us']);
    expect(remoteClustersOf(['logs-*'])).toEqual([]);
  });

  it('matches a cluster part against a configured alias, `*` as any run of characters', () => {
    expect(matchesClusterAlias('eu', 'eu')).toBe(true);
    expect(matchesClusterAlias('eu', 'eu-west')).toBe(false);
    expect(matchesClusterAlias('*', 'anything')).toBe(true);
    expect(matchesClusterAlias('dc-*', 'dc-paris')).toBe(true);
    expect(matchesClusterAlias('dc-*', 'edge-paris')).toBe(false);
    expect(matchesClusterAlias('*-paris', 'dc-paris')).toBe(true);
    expect(matchesClusterAlias('dc-*-b', 'dc-b')).toBe(false);
    expect(matchesClusterAlias('dc-*-b*', 'dc-a-b-c')).toBe(true);
  });
});

describe('resolving hunted indices with remote patterns', () => {
  function engineWith(remote: { connected: boolean; skipUnavailable?: boolean } | undefined): FakeEngine {
    const engine = new FakeEngine();
    for (const name of ['logs-a', 'eu:logs-r']) engine.indices.set(name, new Map());
    if (remote) engine.remoteClusters.push({ alias: 'eu', connected: remote.connected, skipUnavailable: remote.skipUnavailable ?? false, addresses: ['10.0.0.5:9300'] });
    return engine;
  }

  it('resolves local and remote patterns apart and returns both, remote ones as <cluster>:<index>', async () => {
    expect(await resolveHuntedIndices(engineWith({ connected: true }), ['logs-a', 'eu:logs-r'])).toEqual([
      { name: 'logs-a', closed: false },
      { name: 'eu:logs-r', closed: false },
    ]);
  });

  it('keeps the remote indices when a local index is unreadable, and fails only when nothing at all is readable', async () => {
    const engine = engineWith({ connected: true });
    engine.unreadable.set('logs-a', 'no permissions for [indices:data/read/search]');
    expect(await resolveHuntedIndices(engine, ['logs-a', 'eu:logs-r'])).toEqual([
      { name: 'logs-a', closed: false, unreadable: 'no permissions for [indices:data/read/search]' },
      { name: 'eu:logs-r', closed: false },
    ]);
    await expect(resolveHuntedIndices(engine, ['logs-a'])).rejects.toThrow(/this user may read none of its 1 index\(es\)/);
  });

  it('refuses a cluster part that names no configured remote cluster, saying what to set', async () => {
    const error = await resolveHuntedIndices(engineWith(undefined), ['logs-a', 'eu:logs-r']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      '--index eu:logs-r: no remote cluster eu is configured on http://fake:9200 (GET _remote/info lists none): set cluster.remote.eu.seeds to its transport address, on nodes with the remote_cluster_client role (README "Remote clusters")',
    );
  });

  it('refuses a remote cluster that is not connected: resolving it would answer nothing, silently', async () => {
    const error = await resolveHuntedIndices(engineWith({ connected: false, skipUnavailable: true }), ['eu:logs-*']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).kind).toBe('unreachable');
    expect((error as ClusterError).message).toMatch(/^--index eu:logs-\*: remote cluster eu is not connected \(GET _remote\/info; seeds 10\.0\.0\.5:9300\)/);
  });

  it('asks nothing of _remote/info for a hunt of local patterns only', async () => {
    const engine = engineWith(undefined);
    engine.fetchRemoteClusters = () => Promise.reject(new Error('not asked'));
    expect(await resolveHuntedIndices(engine, ['logs-a'])).toEqual([{ name: 'logs-a', closed: false }]);
  });
});
