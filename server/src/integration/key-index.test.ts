import { describe, expect, it } from 'vitest';
import { KeyIndex } from './key-index.ts';

describe('KeyIndex (duplicate keys of a long batch)', () => {
  it('keeps the first number of every key, exactly, across growth', () => {
    const keys = new KeyIndex();
    const n = 200_000;
    for (let i = 0; i < n; i++) expect(keys.add(`SO:${i}`, i + 2)).toBeUndefined();
    expect(keys.size).toBe(n);
    for (let i = 0; i < n; i += 997) {
      expect(keys.get(`SO:${i}`)).toBe(i + 2);
      // A second add is a duplicate: it answers the first number and keeps it.
      expect(keys.add(`SO:${i}`, 9)).toBe(i + 2);
    }
    expect(keys.get(`SO:${n}`)).toBeUndefined();
    expect(keys.get('SO:')).toBeUndefined();
    expect(keys.get(`SO:0${1}`)).toBeUndefined();
    expect(keys.size).toBe(n);
  });

  it('tells apart keys that differ only past the ASCII range, by length, or in case', () => {
    const keys = new KeyIndex();
    const all = ['', 'a', 'A', 'ab', 'a\u0000', 'Größe', 'Grösse', 'Größe ', '日本', '日本語', '😀', 'x'.repeat(200)];
    for (const [i, k] of all.entries()) expect(keys.add(k, i)).toBeUndefined();
    for (const [i, k] of all.entries()) expect(keys.get(k)).toBe(i);
    expect(keys.get('x'.repeat(199))).toBeUndefined();
    expect(keys.get('GRÖSSE')).toBeUndefined();
  });

  it('holds a million short keys in a few tens of MB, off the JavaScript heap', () => {
    const keys = new KeyIndex();
    for (let i = 0; i < 1_000_000; i++) keys.add(`SO:${i}`, i);
    // About 36 MB at this size (the buffers double); a Map<string, number> of the same keys is about 100 MB.
    expect(keys.footprint).toBeLessThan(48 * 1024 * 1024);
    expect(keys.get('SO:999999')).toBe(999_999);
  });
});
