import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HeapBound } from './heap-bound.ts';

/** The old generation's use, as HeapBound counts it (every space but the young one). */
const old = () =>
  v8
    .getHeapSpaceStatistics()
    .filter((s) => s.space_name !== 'new_space' && s.space_name !== 'new_large_object_space')
    .reduce((n, s) => n + s.space_used_size, 0);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as (o?: { type: 'minor' | 'major' }) => void;

/** Full collections during `f` (forced or V8's own). */
async function majorsDuring(f: () => void) {
  let n = 0;
  const obs = new PerformanceObserver((l) => {
    for (const e of l.getEntries())
      if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) n++;
  });
  obs.observe({ entryTypes: ['gc'] });
  f();
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  return n;
}

const rows = (n: number) => Array.from({ length: n }, (_, i) => [`SO:${i}`, `row ${i}`.repeat(4)]);

describe('HeapBound (a long batch collects its own garbage)', () => {
  it('collects once the old generation has grown by the allowance', async () => {
    gc();
    const heap = new HeapBound(16 * 1024 * 1024);
    // Garbage the size of a few pages of parsed rows, alive across two scavenges (so promoted to the old space,
    // as a page being parsed while the one before it is written is), then dropped.
    let garbage: string[][] | null = rows(300_000);
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    const grown = old();
    garbage = null;
    let collected = false;
    expect(await majorsDuring(() => (collected = heap.afterPage()))).toBeGreaterThanOrEqual(1);
    expect(collected).toBe(true);
    expect(garbage).toBeNull();
    // A full collection ran: the old space is back well below where the garbage took it.
    expect(old()).toBeLessThan(grown - 8 * 1024 * 1024);
  });

  it('decides by the old generation: garbage still in the young one does not force a collection', () => {
    gc();
    const allowance = 256 * 1024;
    const oldAtStart = old();
    const heap = new HeapBound(allowance);
    // More than the allowance, dropped before it could be promoted: the whole heap grew by it.
    const before = v8.getHeapStatistics().used_heap_size;
    let garbage: string[][] | null = rows(4_000);
    const grew = v8.getHeapStatistics().used_heap_size - before;
    garbage = null;
    expect(garbage).toBeNull();
    expect(grew).toBeGreaterThan(allowance);
    // What the old generation did meanwhile (the worker's own objects may be promoted) decides, nothing else.
    const oldGrew = old() - oldAtStart;
    expect(heap.afterPage()).toBe(oldGrew >= allowance);
  });
});
