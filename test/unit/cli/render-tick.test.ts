import { describe, expect, it } from 'vitest';
import { renderTick } from '../../../src/cli/render-tick.js';

const base = { tick: 3, at: '2026-12-01T12:00:30.000Z', owner: 'o' };
const settle = { ms: 3_005, refreshMs: 1_000, skewMs: 5, marginMs: 2_000 };

describe('renderTick', () => {
  it('an idle watch tick names the empty window and the settle delay', () => {
    expect(renderTick({ ...base, action: 'idle', window: { from: '2026-12-01T12:00:12.000Z', until: '2026-12-01T12:00:27.000Z' }, settle })).toBe(
      'tick 3 at 2026-12-01T12:00:30.000Z: idle: no event in 2026-12-01T12:00:12.000Z .. 2026-12-01T12:00:27.000Z (settle 3.0 s)',
    );
  });

  it('a hunting watch tick says why, what it found, its window and its warnings', () => {
    const record = {
      ...base,
      action: 'hunted' as const,
      reason: '12 event(s) in the window',
      hunt: { runId: 'r1', alertsCreated: 1, findings: 4, durationMs: 812 },
      window: { field: '@timestamp', from: '2026-12-01T12:00:12.000Z', until: '2026-12-01T12:00:27.000Z' },
      settle,
      warnings: ['late events can be missed'],
    };
    expect(renderTick(record)).toBe(
      'tick 3 at 2026-12-01T12:00:30.000Z: hunted (12 event(s) in the window); hunt r1: 0 new IOC(s), 1 new alert(s), 4 finding(s) in 812 ms; window 2026-12-01T12:00:12.000Z .. 2026-12-01T12:00:27.000Z on @timestamp (settle 3.0 s); warning: late events can be missed',
    );
  });

  it('a schedule tick reads as before', () => {
    const record = { ...base, action: 'hunted' as const, synced: { added: 3, updated: 1, deactivated: 0, rejected: 0 }, hunt: { runId: 'r2', newIocs: 3, alertsCreated: 1, findings: 1, durationMs: 90 } };
    expect(renderTick(record)).toBe('tick 3 at 2026-12-01T12:00:30.000Z: hunted; synced +3 ~1 -0; hunt r2: 3 new IOC(s), 1 new alert(s), 1 finding(s) in 90 ms');
    expect(renderTick({ ...base, action: 'skipped', lockHolder: 'x', lockExpires: '2026-12-01T12:05:00.000Z' })).toBe('tick 3 at 2026-12-01T12:00:30.000Z: skipped (lock held by x until 2026-12-01T12:05:00.000Z)');
  });
});
