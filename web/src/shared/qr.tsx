import { createMemo } from 'solid-js';
import { encode } from 'uqr';

/**
 * A QR code drawn as SVG elements (no image data, no inline style: fine under the CSP). uqr does the
 * encoding; each row's runs of dark modules become one path segment. A 4-module quiet zone is kept so
 * phone cameras find the code on any background.
 */
export function QrCode(props: { value: string; label: string; testId?: string }) {
  const qr = createMemo(() => encode(props.value, { ecc: 'M', border: 4 }));
  const path = createMemo(() => {
    const parts: string[] = [];
    qr().data.forEach((row, y) => {
      let x = 0;
      while (x < row.length) {
        if (!row[x]) {
          x += 1;
          continue;
        }
        const start = x;
        while (x < row.length && row[x]) x += 1;
        parts.push(`M${start} ${y}h${x - start}v1h${start - x}z`);
      }
    });
    return parts.join('');
  });
  return (
    <svg
      class="qr"
      viewBox={`0 0 ${qr().size} ${qr().size}`}
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
      shape-rendering="crispEdges"
      xmlns="http://www.w3.org/2000/svg"
    >
      <rect width={qr().size} height={qr().size} fill="#fff" />
      <path d={path()} fill="#000" />
    </svg>
  );
}
