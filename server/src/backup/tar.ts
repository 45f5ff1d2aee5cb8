import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';

/**
 * A minimal POSIX ustar writer and reader, streaming both ways: a backup never holds a file (or the
 * archive) in memory. Own code rather than a package because a live PostgreSQL data directory changes
 * under the copy: a relation file may shrink or grow between stat() and read(), and the archive must
 * then still hold exactly the size its header announced (zero-padded or cut short). WAL replay from
 * the backup's start point repairs those pages, which is what the base-backup protocol relies on.
 */
const BLOCK = 512;
const ZERO = Buffer.alloc(BLOCK);

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, mode: number, type: '0' | '5', mtime: Date): Buffer {
  const h = Buffer.alloc(BLOCK);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(base) > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
    if (cut < 0 || Buffer.byteLength(base) > 100 || Buffer.byteLength(prefix) > 155)
      throw new Error(`path too long for the archive: ${name}`);
  }
  h.write(base, 0, 100, 'utf8');
  h.write(octal(mode & 0o7777, 8), 100, 8, 'ascii');
  h.write(octal(0, 8), 108, 8, 'ascii');
  h.write(octal(0, 8), 116, 8, 'ascii');
  h.write(octal(size, 12), 124, 12, 'ascii');
  h.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii');
  h.write(type, 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

export class TarWriter {
  bytes = 0;
  /** `pace` is awaited with each chunk read from a file or stream (pace.ts: the read-rate limit). */
  constructor(
    private readonly out: Writable,
    private readonly pace?: (bytes: number) => Promise<void>,
  ) {}

  private async write(chunk: Buffer) {
    this.bytes += chunk.length;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async dir(name: string, mode = 0o700) {
    await this.write(header(name.endsWith('/') ? name : `${name}/`, 0, mode, '5', new Date()));
  }

  async buffer(name: string, data: Buffer, mode = 0o600) {
    await this.write(header(name, data.length, mode, '0', new Date()));
    await this.write(data);
    await this.pad(data.length);
  }

  /**
   * A file of `size` bytes from `stream`: exactly `size` bytes go into the archive whatever the stream
   * delivers (a file that grew is cut at the size stat() gave; one that shrank is padded with zeros).
   */
  async stream(
    name: string,
    size: number,
    stream: Readable,
    mode = 0o600,
    mtime = new Date(),
    onData?: (chunk: Buffer) => void,
  ) {
    await this.write(header(name, size, mode, '0', mtime));
    let left = size;
    for await (const c of stream as AsyncIterable<Buffer>) {
      if (left === 0) break;
      const part = c.length > left ? c.subarray(0, left) : c;
      left -= part.length;
      onData?.(part);
      await this.write(part);
      await this.pace?.(part.length);
    }
    stream.destroy();
    while (left > 0) {
      const n = Math.min(left, 65_536);
      const zeros = Buffer.alloc(n);
      onData?.(zeros);
      await this.write(zeros);
      left -= n;
    }
    await this.pad(size);
  }

  async file(name: string, absPath: string, size: number, mode: number, mtime: Date) {
    const stream = size > 0 ? createReadStream(absPath, { start: 0, end: size - 1 }) : null;
    await this.stream(name, size, stream ?? Readable.from([]), mode, mtime);
  }

  private async pad(size: number) {
    const rest = size % BLOCK;
    if (rest > 0) await this.write(ZERO.subarray(0, BLOCK - rest));
  }

  /** Two zero blocks end the archive. */
  async finish() {
    await this.write(Buffer.alloc(BLOCK * 2));
  }
}

/** Reads exactly what is asked of a chunked byte source. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  private async fill() {
    const r = await this.it.next();
    if (r.done) this.done = true;
    else this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
  }

  async exactly(n: number): Promise<Buffer> {
    while (this.buf.length < n && !this.done) await this.fill();
    if (this.buf.length < n) throw new TarError('the archive ends in the middle of an entry (truncated)');
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  async some(max: number): Promise<Buffer> {
    if (this.buf.length === 0 && !this.done) await this.fill();
    if (this.buf.length === 0) throw new TarError('the archive ends in the middle of an entry (truncated)');
    const out = this.buf.subarray(0, Math.min(max, this.buf.length));
    this.buf = this.buf.subarray(out.length);
    return out;
  }
}

export class TarError extends Error {}

export interface TarEntry {
  name: string;
  type: 'file' | 'dir';
  size: number;
  mode: number;
  mtime: Date;
  /** The file's bytes; must be consumed before the next entry is asked for (else it is skipped). */
  body: AsyncIterable<Buffer>;
}

const readOctal = (b: Buffer) => {
  const s = b.toString('ascii').replace(/\0.*$/s, '').trim();
  return s === '' ? 0 : Number.parseInt(s, 8);
};
const readString = (b: Buffer) => b.toString('utf8').replace(/\0.*$/s, '');

export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const r = new ByteReader(source[Symbol.asyncIterator]());
  for (;;) {
    const h = await r.exactly(BLOCK);
    if (h.equals(ZERO)) return;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (h[i] as number);
    if (sum !== readOctal(h.subarray(148, 156))) throw new TarError('an archive header is damaged (checksum)');
    const prefix = readString(h.subarray(345, 500));
    const base = readString(h.subarray(0, 100));
    const name = (prefix ? `${prefix}/${base}` : base).replace(/\/$/, '');
    if (name.split('/').some((p) => p === '..' || p === '') || name.startsWith('/'))
      throw new TarError(`the archive holds an unsafe path: ${name}`);
    const flag = String.fromCharCode(h[156] as number);
    const size = readOctal(h.subarray(124, 136));
    const type = flag === '5' ? 'dir' : flag === '0' || flag === '\0' ? 'file' : null;
    if (!type) throw new TarError(`the archive holds an entry of an unsupported type: ${name}`);
    let left = size;
    const body = {
      async *[Symbol.asyncIterator]() {
        while (left > 0) {
          const c = await r.some(Math.min(left, 1 << 20));
          left -= c.length;
          yield c;
        }
      },
    };
    yield {
      name,
      type,
      size,
      mode: readOctal(h.subarray(100, 108)),
      mtime: new Date(readOctal(h.subarray(136, 148)) * 1000),
      body,
    };
    for await (const _ of body); // whatever the consumer left unread
    const rest = size % BLOCK;
    if (rest > 0) await r.exactly(BLOCK - rest);
  }
}

/**
 * A pull-based web stream over a Node stream (what age-encryption reads). Node's Readable.toWeb pushes:
 * when the consumer fails half-way (a damaged archive) it keeps enqueueing into the closed controller and
 * throws an uncaught ERR_INVALID_STATE; pulling stops reading, and cancel() destroys the source.
 */
export function pullStream(source: Readable): ReadableStream<Uint8Array> {
  const it = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await it.next();
      if (r.done) controller.close();
      else controller.enqueue(new Uint8Array(r.value.buffer, r.value.byteOffset, r.value.byteLength));
    },
    async cancel() {
      await it.return?.();
      source.destroy();
    },
  });
}
