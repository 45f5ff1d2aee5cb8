import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Bounds what one long batch (a CSV import, a staged batch merge: millions of rows, page by page) adds to the
 * process's memory. Each page's working set (parsed rows, checked values, the writer's COPY text) is alive
 * when the young generation is collected, so V8 promotes it to the old space, where it is garbage a moment
 * later; V8 collects the old space only when it reaches a limit of up to four times the live heap (with the
 * default heap limit of several GB), so a long import grew the server's RSS by about 300 MB of garbage
 * (docs/benchmarks.md, "CSV import benchmark"). `afterPage()` asks for a full collection whenever the old generation
 * has grown by `allowance` bytes since the batch started (or since the last collection left it): a pause of some
 * tens of ms every few tens of thousands of rows, instead of the growth.
 *
 * The collection is `gc()`: the global one when Node runs with --expose-gc, otherwise the same function
 * exposed for this purpose (the --expose-gc flag set at run time, which V8 applies to new contexts only; the
 * process's own globals are unchanged). When neither is possible, afterPage() does nothing.
 */
export class HeapBound {
  private next: number;

  /**
   * 32 MB: at 64 MB a 1,000,000-order import grew the server's RSS by 131 MB (the old space held the live heap plus
   * up to 64 MB of garbage); each collection costs some tens of ms, a few per 100,000 orders either way.
   */
  constructor(private readonly allowance = 32 * 1024 * 1024) {
    this.next = used() + allowance;
  }

  /** Collects when the old generation has grown by the allowance; says whether it did. */
  afterPage(): boolean {
    if (used() < this.next) return false;
    collect()?.();
    // What is still live after a full collection is not garbage: the next one waits for as much growth again.
    this.next = used() + this.allowance;
    return true;
  }
}

/**
 * The old generation's use: every space but the young one (new space and its large objects). The young
 * generation is bounded by its own size and emptied by every scavenge; counting it, as the whole heap's use
 * did, made a full collection follow whenever the young space happened to be well filled at a page boundary
 * (the bench's server has 128 MB of new space, four times the allowance): forced stop-the-world collections
 * of some hundreds of ms that freed little the scavenger would not have. Garbage in the old space is what
 * grows the RSS.
 */
const used = () => {
  let n = 0;
  for (const s of v8.getHeapSpaceStatistics())
    if (s.space_name !== 'new_space' && s.space_name !== 'new_large_object_space') n += s.space_used_size;
  return n;
};

let gcFn: (() => void) | null | undefined;
function collect(): (() => void) | null {
  if (gcFn !== undefined) return gcFn;
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === 'function') gcFn = own as () => void;
  else
    try {
      v8.setFlagsFromString('--expose-gc');
      const fn: unknown = vm.runInNewContext('gc');
      gcFn = typeof fn === 'function' ? (fn as () => void) : null;
    } catch {
      gcFn = null;
    }
  return gcFn;
}
