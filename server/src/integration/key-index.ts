import { randomInt } from 'node:crypto';

/**
 * The keys of one long batch (a CSV file, a staged batch of up to 2,000,000 rows) with a number each (the line or
 * row where the key was first seen), so a duplicate across the batch's pages names its first occurrence, in
 * compact memory: the keys' UTF-8 bytes in one growing buffer and an open-addressing table in typed arrays,
 * about 25 bytes plus the key's length per key, off the JavaScript heap. A `Map<string, number>` holds a string
 * and an entry per key on the heap (about 100 bytes each for short keys), and the collector traces them on
 * every full collection: at 1,000,000 keys that is about 100 MB live, which also lets V8 grow the old space
 * by a multiple of it before it collects (docs/benchmarks.md, "CSV import benchmark").
 *
 * Exact for well-formed strings (a strictly decoded file, JSON from PostgreSQL; a lone surrogate would be stored
 * as U+FFFD): a probe compares the key's bytes, not only its hash. The hash (32-bit FNV-1a over the UTF-16 code
 * units, finalised with murmur3's mixer) is seeded per index, so a file cannot be built to make every key
 * probe the same slots.
 */
export class KeyIndex {
  /** Entry number + 1 per slot (0: empty); a power of two, at most 5/8 full. */
  private slots = new Int32Array(1024);
  private hashes = new Int32Array(512);
  private values = new Uint32Array(512);
  /** Entry `i`'s bytes are `bytes[starts[i] .. starts[i + 1])`. */
  private starts = new Uint32Array(513);
  private bytes = Buffer.allocUnsafe(16 * 1024);
  private scratch = Buffer.allocUnsafe(1024);
  private n = 0;
  private readonly seed = randomInt(0x7fffffff);

  get size() {
    return this.n;
  }

  /** Bytes held by the index (its typed arrays and the keys' buffer). */
  get footprint() {
    return (
      this.slots.byteLength +
      this.hashes.byteLength +
      this.values.byteLength +
      this.starts.byteLength +
      this.bytes.length +
      this.scratch.length
    );
  }

  /** The number held for `key`, if it is in the index. */
  get(key: string): number | undefined {
    const at = this.find(key, this.hash(key));
    return at >= 0 ? this.values[at] : undefined;
  }

  /**
   * Adds `key` with `value` unless it is already there: then the number it already has is returned (and
   * kept), otherwise undefined.
   */
  add(key: string, value: number): number | undefined {
    const h = this.hash(key);
    const at = this.find(key, h);
    if (at >= 0) return this.values[at];
    if ((this.n + 1) * 8 > this.slots.length * 5) this.rehash(this.slots.length * 2);
    this.append(key, h, value);
    return undefined;
  }

  private hash(key: string): number {
    let h = this.seed ^ 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    h ^= key.length;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** The entry of `key`, or -1. */
  private find(key: string, h: number): number {
    const mask = this.slots.length - 1;
    let encoded = -1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = this.slots[i] as number;
      if (e === 0) return -1;
      const at = e - 1;
      if (this.hashes[at] !== h) continue;
      if (encoded < 0) encoded = this.encode(key);
      const start = this.starts[at] as number;
      const end = this.starts[at + 1] as number;
      if (end - start === encoded && this.scratch.compare(this.bytes, start, end, 0, encoded) === 0) return at;
    }
  }

  /** `key` as UTF-8 in `scratch`; its length. */
  private encode(key: string): number {
    if (this.scratch.length < key.length * 3) this.scratch = Buffer.allocUnsafe(key.length * 3);
    return this.scratch.write(key, 0, 'utf8');
  }

  private append(key: string, h: number, value: number) {
    const at = this.n;
    if (at >= this.hashes.length) {
      const cap = this.hashes.length * 2;
      this.hashes = grown(this.hashes, new Int32Array(cap));
      this.values = grown(this.values, new Uint32Array(cap));
      this.starts = grown(this.starts, new Uint32Array(cap + 1));
    }
    const start = this.starts[at] as number;
    if (this.bytes.length < start + key.length * 3) {
      const next = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, start + key.length * 3));
      this.bytes.copy(next, 0, 0, start);
      this.bytes = next;
    }
    this.starts[at + 1] = start + this.bytes.write(key, start, 'utf8');
    this.hashes[at] = h;
    this.values[at] = value;
    this.n = at + 1;
    this.place(at, h);
  }

  private place(at: number, h: number) {
    const mask = this.slots.length - 1;
    let i = h & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = at + 1;
  }

  private rehash(size: number) {
    this.slots = new Int32Array(size);
    for (let at = 0; at < this.n; at++) this.place(at, this.hashes[at] as number);
  }
}

function grown<T extends Int32Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
