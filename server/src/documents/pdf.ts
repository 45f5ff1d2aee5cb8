import type { printingRepo } from '@gatehouse/db';
import PDFDocument from 'pdfkit';
import { type DocumentText, documentText } from './i18n.ts';

/**
 * The one PDF layout for every document Gatehouse prints (invoices, credit notes, order confirmations,
 * delivery notes, purchase orders, account statements): the seller's identity and logo at the top, the
 * addressee with its tax id, the document's facts, one or more tables, totals, and the seller's payment
 * instructions and bank details at the end. pdfkit (chosen over pdf-lib by measurement: docs/adr/0014-pdfkit.md)
 * with its built-in Helvetica, so nothing is read from disk and a 20-line invoice renders in
 * a few milliseconds. The built-in fonts cover Latin scripts (WinAnsi); other scripts need an embedded
 * font, which this layout does not ship yet.
 */

export interface PrintColumn {
  header: string;
  /** A share of the printable width (the shares of a table are normalised). */
  width: number;
  align?: 'left' | 'right';
}
export interface PrintSection {
  heading?: string;
  columns: PrintColumn[];
  rows: string[][];
  /** Label/value pairs right-aligned under the table; `strong` prints bold. */
  totals?: { label: string; value: string; strong?: boolean }[];
}
export interface PrintDoc {
  /** "Invoice", "Credit note", "Order confirmation", "Delivery note", "Purchase order", "Account statement". */
  title: string;
  /** The document number as printed (the legal number when the ERP keeps one). */
  number?: string;
  /** Facts under the title: issue date, due date, payment terms, order… */
  facts: [string, string][];
  addressee: { label: string; name: string; lines: string[]; taxId: string | null };
  sections: PrintSection[];
  /** Notes printed after the tables (e.g. "This credit note is not a request for payment."). */
  notes?: string[];
  /** Print the seller's bank details and payment instructions (invoices and statements). */
  paymentDetails?: boolean;
}

const MARGIN = 42;
const SIZE = { title: 18, body: 9, small: 8 };
const GREY = '#555555';

/** Renders `doc` as the seller issues it. Resolves with the whole file (documents are small). */
export function renderPdf(
  doc: PrintDoc,
  seller: printingRepo.SellerProfile | undefined,
  tr: DocumentText = documentText(null),
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pdf = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      bufferPages: true,
      info: { Title: [doc.title, doc.number].filter(Boolean).join(' '), Producer: 'Gatehouse', Creator: 'Gatehouse' },
    });
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    try {
      layout(pdf, doc, seller, tr);
      pdf.end();
    } catch (err) {
      reject(err);
    }
  });
}

function layout(
  pdf: PDFKit.PDFDocument,
  doc: PrintDoc,
  seller: printingRepo.SellerProfile | undefined,
  tr: DocumentText,
) {
  const left = MARGIN;
  const width = pdf.page.width - 2 * MARGIN;
  const right = left + width;

  // Seller block, top right; logo top left.
  let logoBottom = MARGIN;
  if (seller?.logoBase64) {
    try {
      pdf.image(Buffer.from(seller.logoBase64, 'base64'), left, MARGIN, { fit: [160, 60] });
      logoBottom = MARGIN + 64;
    } catch {
      // A logo pdfkit cannot read is left out rather than failing the document.
    }
  }
  const sellerLines = [
    ...(seller?.address ? seller.address.split(/\r?\n/) : []),
    ...(seller?.taxId ? [tr.t('doc.taxId', { id: seller.taxId })] : []),
  ].filter((l) => l.trim() !== '');
  pdf.font('Helvetica-Bold').fontSize(SIZE.body + 1);
  pdf.text(seller?.legalName || tr.t('doc.sellerMissing'), left + width / 2, MARGIN, {
    width: width / 2,
    align: 'right',
  });
  pdf.font('Helvetica').fontSize(SIZE.small).fillColor(GREY);
  for (const l of sellerLines) pdf.text(l, { width: width / 2, align: 'right' });
  pdf.fillColor('black');
  let y = Math.max(pdf.y, logoBottom) + 18;

  // Title and number.
  pdf.font('Helvetica-Bold').fontSize(SIZE.title).text(doc.title, left, y, { width });
  if (doc.number)
    pdf
      .font('Helvetica')
      .fontSize(SIZE.body + 2)
      .text(doc.number, left, pdf.y, { width });
  y = pdf.y + 12;

  // Addressee (left) and facts (right).
  const top = y;
  pdf.font('Helvetica-Bold').fontSize(SIZE.small).fillColor(GREY).text(doc.addressee.label.toUpperCase(), left, y);
  pdf
    .fillColor('black')
    .font('Helvetica-Bold')
    .fontSize(SIZE.body)
    .text(doc.addressee.name, left, pdf.y, {
      width: width / 2 - 10,
    });
  pdf.font('Helvetica');
  for (const l of doc.addressee.lines) pdf.text(l, left, pdf.y, { width: width / 2 - 10 });
  if (doc.addressee.taxId)
    pdf.text(tr.t('doc.taxId', { id: doc.addressee.taxId }), left, pdf.y, { width: width / 2 - 10 });
  const leftBottom = pdf.y;
  let fy = top;
  for (const [label, value] of doc.facts) {
    pdf
      .font('Helvetica')
      .fontSize(SIZE.body)
      .fillColor(GREY)
      .text(label, left + width / 2, fy, { width: width / 4 });
    pdf.fillColor('black').text(value, left + (3 * width) / 4, fy, { width: width / 4, align: 'right' });
    fy = Math.max(pdf.y, fy + 12);
  }
  y = Math.max(leftBottom, fy) + 16;

  for (const section of doc.sections) y = table(pdf, section, y, left, width, tr);

  const notes = [...(doc.notes ?? [])];
  if (doc.paymentDetails && seller) {
    if (seller.paymentInstructions) notes.push(seller.paymentInstructions);
    if (seller.bankDetails) notes.push(`${tr.t('doc.bankDetails')}\n${seller.bankDetails}`);
  }
  pdf.font('Helvetica').fontSize(SIZE.body);
  for (const n of notes) {
    const h = pdf.heightOfString(n, { width });
    if (y + h > pdf.page.height - MARGIN - 20) y = newPage(pdf);
    pdf.text(n, left, y, { width });
    y = pdf.y + 8;
  }

  // Page numbers, once every page exists.
  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    pdf.font('Helvetica').fontSize(SIZE.small).fillColor(GREY);
    const label = tr.t('doc.page', {
      document: [doc.title, doc.number].filter(Boolean).join(' '),
      page: i + 1,
      pages: range.count,
    });
    pdf.text(label, left, pdf.page.height - MARGIN, { width: right - left, align: 'right', lineBreak: false });
    pdf.fillColor('black');
  }
}

function newPage(pdf: PDFKit.PDFDocument) {
  pdf.addPage();
  return MARGIN;
}

/** One table with a header row (repeated on every page it spans), wrapped cells, and totals. Returns the y after it. */
function table(pdf: PDFKit.PDFDocument, s: PrintSection, y0: number, left: number, width: number, tr: DocumentText) {
  const bottom = pdf.page.height - MARGIN - 20;
  const share = s.columns.reduce((a, c) => a + c.width, 0);
  const widths = s.columns.map((c) => (c.width / share) * width);
  const xs = widths.map((_, i) => left + widths.slice(0, i).reduce((a, w) => a + w, 0));
  const pad = 3;
  let y = y0;
  if (s.heading) {
    if (y + 40 > bottom) y = newPage(pdf);
    pdf
      .font('Helvetica-Bold')
      .fontSize(SIZE.body + 1)
      .text(s.heading, left, y, { width });
    y = pdf.y + 4;
  }
  const header = () => {
    pdf.font('Helvetica-Bold').fontSize(SIZE.small).fillColor(GREY);
    for (const [i, c] of s.columns.entries())
      pdf.text(c.header, (xs[i] ?? left) + pad, y, { width: (widths[i] ?? 0) - 2 * pad, align: c.align ?? 'left' });
    y += 12;
    pdf
      .moveTo(left, y - 2)
      .lineTo(left + width, y - 2)
      .lineWidth(0.5)
      .strokeColor('#999999')
      .stroke();
    pdf.fillColor('black').font('Helvetica').fontSize(SIZE.body);
  };
  if (y + 30 > bottom) y = newPage(pdf);
  header();
  for (const row of s.rows) {
    // Only a cell wider than its column wraps: measuring its width is much cheaper than laying it out.
    const h = Math.max(
      ...row.map((cell, i) => {
        const w = (widths[i] ?? 0) - 2 * pad;
        return pdf.widthOfString(cell) <= w ? SIZE.body + 2 : pdf.heightOfString(cell, { width: w });
      }),
      SIZE.body + 2,
    );
    if (y + h > bottom) {
      y = newPage(pdf);
      header();
    }
    for (const [i, cell] of row.entries())
      pdf.text(cell, (xs[i] ?? left) + pad, y, {
        width: (widths[i] ?? 0) - 2 * pad,
        align: s.columns[i]?.align ?? 'left',
      });
    y += h + 3;
  }
  if (s.rows.length === 0) {
    pdf.fillColor(GREY).text(tr.t('doc.none'), left + pad, y, { width });
    pdf.fillColor('black');
    y = pdf.y + 3;
  }
  y += 4;
  for (const t of s.totals ?? []) {
    if (y + 14 > bottom) y = newPage(pdf);
    pdf.font(t.strong ? 'Helvetica-Bold' : 'Helvetica').fontSize(SIZE.body);
    pdf.text(t.label, left + width / 2, y, { width: width / 4 });
    pdf.text(t.value, left + (3 * width) / 4, y, { width: width / 4 - pad, align: 'right' });
    y = Math.max(pdf.y, y + 12) + 1;
  }
  return y + 12;
}
