/**
 * An RFC 4180 reader for CSV imports, over decoded text in chunks: comma-separated cells, `"` quoting with `""`
 * inside a quoted cell, records ended by CRLF, LF or CR (mixed), empty lines skipped. Each record comes with
 * the line it starts on (a CRLF is one line, inside a quoted cell too). It is strict where a spreadsheet's
 * output can be wrong: a quote in an unquoted cell, anything but a comma or a line end after a closing quote,
 * a quoted cell never closed, a cell longer than the limit or a record of more cells than the limit (found while
 * they grow, so a huge cell or line is refused before it is held).
 *
 * Written here rather than through csv-parse, which it replaces for imports: csv-parse walks every byte
 * through a general state machine (about 2.2 CPU-seconds per 100,000 orders of the CSV bench, 57 ns a byte,
 * the largest single cost of an import's server side); this one finds the next comma, quote or line end with
 * a tight scan and takes each cell as one slice of the chunk (about 0.25 CPU-seconds for the same file).
 * A differential test (csv-reader.test.ts) holds it to csv-parse's records and refusals on random input cut
 * into random chunks.
 */

export type CsvSyntax =
  | 'unclosed-quote'
  | 'after-closing-quote'
  | 'quote-in-unquoted'
  | 'cell-too-long'
  | 'too-many-cells';

export class CsvSyntaxError extends Error {
  constructor(
    public readonly kind: CsvSyntax,
    /** The line the record holding the fault starts on. */
    public readonly line: number,
    /** The cell's place in its record (0-based). */
    public readonly cell: number,
  ) {
    super(`${kind} in the record of line ${line}`);
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

export class CsvReader {
  /** The line of the next character. */
  private line = 1;
  /** The line the record being read starts on. */
  private recordLine = 1;
  private cells: string[] = [];
  /** The cell being read, when it goes on past a chunk (or holds a `""`). */
  private cell = '';
  private inQuotes = false;
  /** The cell being read was quoted and its quote is closed: only a comma or a line end may follow. */
  private closed = false;
  /** The record being read has a character (a line with none is skipped). */
  private started = false;
  /** The last chunk ended with a CR outside quotes: an LF starting this one belongs to it. */
  private skipLf = false;
  /** The last chunk ended with a CR inside quotes, not yet counted (an LF next makes it one CRLF). */
  private quotedCr = false;
  /** The last chunk ended with a quote inside a quoted cell: closing, or the first of `""`. */
  private quoteAtEnd = false;

  constructor(
    private readonly maxCellChars: number,
    private readonly maxCells: number,
    /** Each record, with the line it starts on. The array is the receiver's to keep. */
    private readonly onRecord: (cells: string[], line: number) => void,
  ) {}

  write(s: string) {
    const n = s.length;
    let i = 0;
    if (this.skipLf) {
      this.skipLf = false;
      if (n > 0 && s.charCodeAt(0) === LF) i = 1;
    }
    if (this.quotedCr) {
      this.quotedCr = false;
      // A CR then an LF is one line break: the LF counts it. A CR alone counts now.
      if (!(n > 0 && s.charCodeAt(0) === LF)) this.line++;
    }
    if (this.quoteAtEnd && n > 0) {
      this.quoteAtEnd = false;
      if (s.charCodeAt(0) === QUOTE) {
        this.append('"');
        i = 1;
      } else {
        this.inQuotes = false;
        this.closed = true;
      }
    }
    while (i < n) {
      if (this.inQuotes) {
        const q = s.indexOf('"', i);
        const to = q === -1 ? n : q;
        this.countBreaks(s, i, to);
        if (to > i) this.append(s.slice(i, to));
        if (q === -1) return;
        if (q + 1 === n) {
          this.quoteAtEnd = true;
          return;
        }
        if (s.charCodeAt(q + 1) === QUOTE) {
          this.append('"');
          i = q + 2;
          continue;
        }
        this.inQuotes = false;
        this.closed = true;
        i = q + 1;
        continue;
      }
      let j = i;
      let c = 0;
      while (j < n) {
        c = s.charCodeAt(j);
        if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
        j++;
      }
      if (j > i) {
        if (this.closed) throw this.fault('after-closing-quote');
        this.append(s.slice(i, j));
        this.started = true;
      }
      if (j === n) return;
      if (c === QUOTE) {
        if (this.closed || this.cell.length > 0)
          throw this.fault(this.closed ? 'after-closing-quote' : 'quote-in-unquoted');
        this.inQuotes = true;
        this.started = true;
        i = j + 1;
        continue;
      }
      if (c === COMMA) {
        this.endCell();
        this.started = true;
        i = j + 1;
        continue;
      }
      // A line end: the record ends here (or it was an empty line).
      this.endRecord();
      this.line++;
      if (c === CR) {
        if (j + 1 === n) this.skipLf = true;
        else if (s.charCodeAt(j + 1) === LF) j++;
      }
      i = j + 1;
      this.recordLine = this.line;
    }
  }

  /** The end of the text: the last record, or the refusal of a quoted cell never closed. */
  end() {
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false;
      this.inQuotes = false;
      this.closed = true;
    }
    if (this.inQuotes) throw this.fault('unclosed-quote');
    this.endRecord();
  }

  private append(text: string) {
    this.cell = this.cell.length === 0 ? text : this.cell + text;
    if (this.cell.length > this.maxCellChars) throw this.fault('cell-too-long');
  }

  private endCell() {
    if (this.cells.length >= this.maxCells) throw this.fault('too-many-cells');
    this.cells.push(this.cell);
    this.cell = '';
    this.closed = false;
  }

  private endRecord() {
    if (this.started || this.cells.length > 0) {
      this.endCell();
      const cells = this.cells;
      this.cells = [];
      this.onRecord(cells, this.recordLine);
    }
    this.started = false;
  }

  /** Line breaks inside a quoted cell: LF, CR not followed by LF (a CR at the chunk's end waits for the next). */
  private countBreaks(s: string, from: number, to: number) {
    for (let k = from; k < to; k++) {
      const c = s.charCodeAt(k);
      if (c === LF) this.line++;
      else if (c === CR) {
        if (k + 1 === s.length) this.quotedCr = true;
        else if (s.charCodeAt(k + 1) !== LF) this.line++;
      }
    }
  }

  private fault(kind: CsvSyntax) {
    return new CsvSyntaxError(kind, this.recordLine, this.cells.length);
  }
}
