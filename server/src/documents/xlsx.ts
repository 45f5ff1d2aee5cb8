import { PassThrough, type Readable, type Writable } from 'node:stream';
import yazl from 'yazl';

/**
 * A one-sheet XLSX workbook streamed into `out`: the worksheet XML is written here (inline strings, no
 * styles, no shared-strings table) and zipped as it comes by yazl at deflate level 1 (zlib, off the main
 * thread). exceljs's streaming writer built an object per row and per cell and re-encoded every cell; on
 * a list export that was 6 µs of CPU a row, three times the whole CSV path (docs/benchmarks.md, "Export
 * benchmark"). What a reader needs of the format is kept here and nowhere else:
 *
 * - the package parts Excel requires (content types, relationships, workbook, one worksheet, a minimal
 *   style sheet), each cell with its A1 reference and each row with its number (readers such as exceljs
 *   place cells by them);
 * - text as `inlineStr`, XML-escaped, with the characters XML 1.0 cannot hold dropped (C0 controls but tab,
 *   LF and CR; U+FFFE, U+FFFF; unpaired surrogates), `xml:space="preserve"` where leading or trailing
 *   white space or a line break must survive, and `_xHHHH_` written as `_x005F_xHHHH_` (a reader would
 *   otherwise decode it as an escaped character);
 * - numbers as `<v>` (JavaScript's shortest decimal of a finite number is a valid xsd:double).
 */

/** A cell as the worksheet takes it: text (already neutralised), a finite number, or empty (null). */
export type XlsxCell = string | number | null;

const ENTRY = { compressionLevel: 1, mtime: new Date(Date.UTC(2000, 0, 1)) } as const;

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument';

const CONTENT_TYPES = `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${CT}.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="${CT}.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="${CT}.spreadsheetml.styles+xml"/></Types>`;
const ROOT_RELS = `${XML_HEAD}<Relationships xmlns="${NS_PKG_REL}"><Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK_RELS = `${XML_HEAD}<Relationships xmlns="${NS_PKG_REL}"><Relationship Id="rId1" Type="${NS_REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${NS_REL}/styles" Target="styles.xml"/></Relationships>`;
/** The smallest style sheet Excel opens without a repair prompt: one font, the two required fills, one border, one format. */
const STYLES = `${XML_HEAD}<styleSheet xmlns="${NS_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;
const SHEET_HEAD = `${XML_HEAD}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><sheetData>`;
const SHEET_TAIL = '</sheetData></worksheet>';

/** Excel's rules for a sheet name: 1-31 characters, none of : \ / ? * [ ], not starting or ending with '. */
export function sheetName(name: string): string {
  const cleaned = name
    .replace(/[:\\/?*[\]]/g, ' ')
    .replace(/^'+|'+$/g, '')
    .slice(0, 31)
    .trim();
  return cleaned || 'Sheet1';
}

function workbookXml(name: string): string {
  return `${XML_HEAD}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><sheets><sheet name="${xmlAttr(sheetName(name))}" sheetId="1" r:id="rId1"/></sheets></workbook>`;
}

const xmlAttr = (s: string) => xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** Characters a text node cannot hold as they are, or that a reader would decode (`_xHHHH_`). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the controls XML 1.0 cannot hold is the point
const NEEDS_ESCAPE = /[<>&\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]|_x/;
/** What XML 1.0 cannot hold at all: dropped (with the u flag, only unpaired surrogates match). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/gu;
const ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

/** A text node's content: escaped, unencodable characters dropped. */
export function xmlText(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s
    .replace(NOT_XML, '')
    .replace(/_(?=x[0-9a-fA-F]{4}_)/g, '_x005F_')
    .replace(/[<>&]/g, (c) => ESCAPES[c] as string);
}

/** Leading or trailing white space, or a line break: `xml:space="preserve"` keeps them. */
function needsPreserve(s: string): boolean {
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  return first <= 0x20 || last <= 0x20 || s.includes('\n') || s.includes('\r');
}

/** A1 column letters: 0 -> A, 25 -> Z, 26 -> AA. */
export function columnLetters(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** A cell's XML at reference `ref` (empty text and null: no cell). */
function cellXml(ref: string, t: XlsxCell): string {
  if (typeof t === 'number') return `<c r="${ref}"><v>${t}</v></c>`;
  if (!t) return '';
  return needsPreserve(t)
    ? `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(t)}</t></is></c>`
    : `<c r="${ref}" t="inlineStr"><is><t>${xmlText(t)}</t></is></c>`;
}

export interface XlsxWriter<T> {
  /**
   * Appends `items[from, to)` as rows, numbered on from the last one written, cell i of a row from
   * `cells[i]`; false when the zip's buffers are full (wait for `drained()` before writing more).
   */
  write(items: readonly T[], from: number, to: number): boolean;
  /** Resolves once the rows written so far have been taken (the zip and `out` drained). */
  drained(): Promise<void>;
  /** Closes the sheet and the zip; resolves when `out` has finished. */
  end(): Promise<void>;
  /** Stops: `out` closed early (the client went away). */
  destroy(): void;
}

/**
 * Opens the workbook on `out` (which it ends) with `header` as its first row; each item written is a row
 * whose cells `cells` give (called once per cell, no array per row: an export writes up to a million rows).
 */
export function xlsxWriter<T>(
  out: Writable,
  sheet: string,
  header: readonly string[],
  cells: readonly ((item: T) => XlsxCell)[],
): XlsxWriter<T> {
  const zip = new yazl.ZipFile();
  // The worksheet's bytes pass through here into yazl's CRC, deflate and output: back-pressure from `out`
  // reaches this stream's write().
  const sheetXml = new PassThrough({ highWaterMark: 256 * 1024 });
  const letters = Array.from({ length: Math.max(header.length, cells.length) }, (_, i) => columnLetters(i));
  zip.outputStream.pipe(out);
  zip.addBuffer(Buffer.from(CONTENT_TYPES), '[Content_Types].xml', ENTRY);
  zip.addBuffer(Buffer.from(ROOT_RELS), '_rels/.rels', ENTRY);
  zip.addBuffer(Buffer.from(workbookXml(sheet)), 'xl/workbook.xml', ENTRY);
  zip.addBuffer(Buffer.from(WORKBOOK_RELS), 'xl/_rels/workbook.xml.rels', ENTRY);
  zip.addBuffer(Buffer.from(STYLES), 'xl/styles.xml', ENTRY);
  zip.addReadStream(sheetXml, 'xl/worksheets/sheet1.xml', ENTRY);
  let head = '<row r="1">';
  for (let i = 0; i < header.length; i++) head += cellXml(`${letters[i]}1`, header[i] ?? null);
  sheetXml.write(`${SHEET_HEAD}${head}</row>`);
  let row = 1;
  return {
    write(items, from, to) {
      let xml = '';
      for (let k = from; k < to; k++) {
        const item = items[k] as T;
        const n = String(++row);
        xml += `<row r="${n}">`;
        for (let i = 0; i < cells.length; i++)
          xml += cellXml(`${letters[i]}${n}`, (cells[i] as (item: T) => XlsxCell)(item));
        xml += '</row>';
      }
      return sheetXml.write(xml);
    },
    drained() {
      if (!sheetXml.writableNeedDrain) return Promise.resolve();
      return new Promise((resolve) => sheetXml.once('drain', resolve));
    },
    async end() {
      const finished = new Promise<void>((resolve, reject) => {
        out.once('finish', resolve);
        out.once('close', () => (out.writableFinished ? resolve() : reject(new Error('closed early'))));
        out.once('error', reject);
      });
      sheetXml.end(SHEET_TAIL);
      zip.end();
      await finished;
    },
    destroy() {
      zip.outputStream.unpipe(out);
      sheetXml.destroy();
      (zip.outputStream as Readable).destroy();
    },
  };
}
