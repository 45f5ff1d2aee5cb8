/** Formats integer minor units without floating point: 123456n EUR -> "1,234.56". */
export function formatMinor(minor: bigint, currency: string, fractionDigits = 2): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const scale = 10n ** BigInt(fractionDigits);
  const whole = (abs / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = fractionDigits > 0 ? `.${(abs % scale).toString().padStart(fractionDigits, '0')}` : '';
  return `${negative ? '-' : ''}${whole}${frac} ${currency}`;
}
