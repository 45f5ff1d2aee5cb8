import { formatMinor } from '@gatehouse/contract';

export { formatMinor };

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** 'YYYY-MM-DD' (a calendar date, no time zone) -> '3 Mar 2025'. Unparseable input is shown as is. */
export function formatDate(isoDate: string): string {
  const parsed = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!parsed) return isoDate;
  return dateFormat.format(new Date(Date.UTC(Number(parsed[1]), Number(parsed[2]) - 1, Number(parsed[3]))));
}

/** Today's calendar date in the user's time zone, as 'YYYY-MM-DD' (comparable as a string). */
export function todayIso(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A numeric string from the database ('12.5000') without trailing zeros and with grouping: '12.5'. */
export function formatQuantity(quantity: string): string {
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(quantity.trim());
  if (!match) return quantity;
  const [, sign = '', whole = '0', fraction = ''] = match;
  const grouped = whole.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const trimmed = fraction.replace(/0+$/, '');
  return `${sign}${grouped}${trimmed ? `.${trimmed}` : ''}`;
}

/** 'open' -> 'Open'. */
export function label(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
