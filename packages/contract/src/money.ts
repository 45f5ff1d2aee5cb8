/** Formats integer minor units without floating point: 123456n (or "123456") EUR -> "1,234.56 EUR". */
export function formatMinor(value: bigint | string, currency: string, fractionDigits = 2): string {
  const minor = typeof value === 'bigint' ? value : BigInt(value);
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const scale = 10n ** BigInt(fractionDigits);
  const whole = (abs / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = fractionDigits > 0 ? `.${(abs % scale).toString().padStart(fractionDigits, '0')}` : '';
  return `${negative ? '-' : ''}${whole}${frac} ${currency}`;
}
