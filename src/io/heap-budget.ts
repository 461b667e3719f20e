import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Keeps a long load's heap near what it holds. V8 sizes its collections by the process's heap
 * limit (about 4 GB on a machine with 16 GB), not by what is live: a sync of a million IOCs,
 * which holds about 100 MB, let garbage reach 800 MB of RSS before a full collection. A budget
 * asks for one whenever the heap has grown half again past what the last one kept (and past a floor),
 * the cost of a run of `--max-old-space-size` without its crash when the load really is large.
 *
 * Where the collector cannot be reached (a runtime that refuses the flag), `check` does nothing.
 */
export class HeapBudget {
  private kept = 0;
  /** Full collections asked for so far. */
  collections = 0;

  /** @param floorBytes Heap below which no collection is asked for. */
  constructor(private readonly floorBytes = 128 * 1024 * 1024) {}

  /** Call between batches of work: a full collection if the heap outgrew its budget. */
  check(): void {
    const used = getHeapStatistics().used_heap_size;
    if (used < Math.max(this.floorBytes, 1.5 * this.kept)) return;
    const gc = collector();
    if (!gc) return;
    gc();
    this.collections += 1;
    this.kept = getHeapStatistics().used_heap_size;
  }
}

let cached: (() => void) | null | undefined;

/** V8's `gc`, exposed once for this process (the flag only adds the function to new contexts). */
function collector(): (() => void) | undefined {
  if (cached === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      cached = runInNewContext('gc') as () => void;
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}
