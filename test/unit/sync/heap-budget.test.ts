import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { HeapBudget } from '../../../src/io/heap-budget.js';

const MB = 1024 * 1024;

/** About `mb` MB of short-lived objects, dropped on return: garbage for the collector. */
function makeGarbage(mb: number): number {
  let kept = 0;
  let chunk: string[] = [];
  for (let i = 0; i < mb * 16_384; i++) {
    chunk.push(`ioc-${i}-${Math.random()}`);
    if (chunk.length === 100_000) {
      kept += chunk.length;
      chunk = [];
    }
  }
  return kept + chunk.length;
}

describe('the heap budget of a long load (issue 13: a sync of 1M IOCs in < 512 MB)', () => {
  it('asks for a full collection once the heap is past its floor, and the heap shrinks to what is live', () => {
    const budget = new HeapBudget(1 * MB);
    const held = Array.from({ length: 200_000 }, (_, i) => `live-${i}`); // what the load holds
    makeGarbage(40);
    const before = getHeapStatistics().used_heap_size;
    budget.check();
    expect(budget.collections).toBe(1);
    expect(getHeapStatistics().used_heap_size).toBeLessThan(before);
    // Right after, the heap is within half again of what the collection kept: no second one.
    budget.check();
    expect(budget.collections).toBe(1);
    expect(held).toHaveLength(200_000);
  });

  it('asks for nothing while the heap is under its floor', () => {
    const budget = new HeapBudget(64 * 1024 * MB);
    makeGarbage(10);
    budget.check();
    expect(budget.collections).toBe(0);
  });
});
