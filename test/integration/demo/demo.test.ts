import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runIochunt } from '../../helpers/run-cli.js';

describe('iochunt demo', () => {
  it('starts its own OpenSearch from Maven, tags live events, hunts, reports every planted hit, and stops the engine', async () => {
    const home = mkdtempSync(join(tmpdir(), 'iochunt-demo-home-'));
    try {
      const run = await runIochunt(['demo', '--json', '--events', '3000'], { IOCHUNT_ENGINE_HOME: home });
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result.engine).toMatch(/^opensearch 2\./);
      expect(result.sync.totals).toMatchObject({ accepted: 161, rejected: 0 });
      expect(result.live).toEqual({ indexed: 5, tagged: 1 });
      expect(result.hunt.totals.findings).toBe(result.planted.reportable + result.live.tagged);
      expect(result.planted).toEqual({ reportable: 6, beforeHuntFrom: 1 });
      expect(result.localEngine).toMatchObject({ startedByDemo: true, running: false });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 300_000);
});
