import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { HeapBound } from './heap-bound.ts';

const used = () => v8.getHeapStatistics().used_heap_size;

describe('HeapBound (a long batch collects its own garbage)', () => {
  it('collects once the heap has grown by the allowance', () => {
    const heap = new HeapBound(16 * 1024 * 1024);
    // Garbage the size of a few pages of parsed rows, kept alive until the check so no scavenge frees it first.
    let garbage: string[][] | null = Array.from({ length: 200_000 }, (_, i) => [`SO:${i}`, `row ${i}`.repeat(4)]);
    const grown = used();
    garbage = null;
    heap.afterPage();
    expect(garbage).toBeNull();
    // A full collection ran: the heap is back well below where the garbage took it.
    expect(used()).toBeLessThan(grown - 8 * 1024 * 1024);
  });
});
