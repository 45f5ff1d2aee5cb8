import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPreferences, setLanguage } from '../i18n.ts';
import {
  deadlineLeft,
  formatDate,
  formatDateTime,
  formatMinor,
  formatQuantityUom,
  formatTimeAgo,
  formatUnitPrice,
  todayIso,
} from './format.ts';

beforeAll(() => setLanguage('en'));

// Local-time constructors: the count is in the user's calendar days, whatever the machine's time zone.
const at = (y: number, m: number, d: number, h = 0, min = 0, s = 0, ms = 0) =>
  new Date(y, m - 1, d, h, min, s, ms).getTime();
const iso = (t: number) => new Date(t).toISOString();

describe('deadlineLeft: days left counted in calendar days', () => {
  const now = at(2026, 3, 1, 12, 0);

  it('exactly 14 days to go is 14 days left, also a moment after the review was started', () => {
    expect(deadlineLeft(iso(at(2026, 3, 15, 12, 0)), now).text).toBe('14 days left');
    // The page renders a few seconds after the campaign was started with "now + 14 days".
    expect(deadlineLeft(iso(at(2026, 3, 15, 12, 0)), now + 5_000).text).toBe('14 days left');
  });

  it('counts the deadline date, not the hours: the first and last moment of that day', () => {
    expect(deadlineLeft(iso(at(2026, 3, 15, 0, 0)), now).text).toBe('14 days left');
    expect(deadlineLeft(iso(at(2026, 3, 15, 23, 59, 59, 999)), now).text).toBe('14 days left');
    expect(deadlineLeft(iso(at(2026, 3, 14, 23, 59, 59, 999)), now).text).toBe('13 days left');
    expect(deadlineLeft(iso(at(2026, 3, 16, 0, 0)), now).text).toBe('15 days left');
  });

  it('tomorrow is one day, later today is due today, the deadline itself and after are overdue', () => {
    expect(deadlineLeft(iso(at(2026, 3, 2, 0, 0)), now)).toEqual({ overdue: false, text: '1 day left' });
    expect(deadlineLeft(iso(now + 1), now)).toEqual({ overdue: false, text: 'Due today' });
    expect(deadlineLeft(iso(at(2026, 3, 1, 23, 59, 59, 999)), now).text).toBe('Due today');
    expect(deadlineLeft(iso(now), now)).toEqual({ overdue: true, text: 'Overdue' });
    expect(deadlineLeft(iso(now - 1), now)).toEqual({ overdue: true, text: 'Overdue' });
  });

  it('a daylight-saving change in between does not shift the count', () => {
    // Europe and North America change clocks in March and in October/November.
    expect(deadlineLeft(iso(at(2026, 4, 15, 12, 0)), now).text).toBe('45 days left');
    expect(deadlineLeft(iso(at(2026, 11, 15, 12, 0)), at(2026, 10, 1, 12, 0)).text).toBe('45 days left');
  });
});

describe('dates in the user locale', () => {
  it('formats a calendar date the way the locale writes it (as its date inputs do)', () => {
    expect(formatDate('2025-03-14', 'en-GB')).toBe('14 Mar 2025');
    expect(formatDate('2025-03-14', 'en-US')).toBe('Mar 14, 2025');
    expect(formatDate('2025-03-14', 'de-DE')).toBe('14.03.2025');
    expect(formatDate('not a date', 'de-DE')).toBe('not a date');
  });

  it('formats an instant in the locale too', () => {
    const text = formatDateTime('2025-03-14T10:05:00Z', 'en-US');
    expect(text).toMatch(/^Mar 14, 2025/);
    expect(formatDateTime('2025-03-14T10:05:00Z', 'de-DE')).toMatch(/^14\.03\.2025/);
  });
});

describe('formatUnitPrice: the exact price only where it is finer than the currency', () => {
  it('shows the rounded price when the exact one has no more decimals than the minor unit', () => {
    expect(formatUnitPrice({ unitPriceMinor: '500', unitPrice: '5.000000' }, 'EUR')).toBe('5.00 EUR');
    expect(formatUnitPrice({ unitPriceMinor: '512', unitPrice: '5.120000' }, 'EUR')).toBe('5.12 EUR');
    expect(formatUnitPrice({ unitPriceMinor: '500', unitPrice: null }, 'EUR')).toBe('5.00 EUR');
    expect(formatUnitPrice({ unitPriceMinor: '-250' }, 'EUR')).toBe('-2.50 EUR');
  });

  it('shows the exact price, trailing zeros trimmed and grouped, when it is finer than a cent (or a yen)', () => {
    expect(formatUnitPrice({ unitPriceMinor: '1', unitPrice: '0.006500' }, 'EUR')).toBe('0.0065 EUR');
    expect(formatUnitPrice({ unitPriceMinor: '123456790', unitPrice: '1234567.894500' }, 'EUR')).toBe(
      '1,234,567.8945 EUR',
    );
    expect(formatUnitPrice({ unitPriceMinor: '-1', unitPrice: '-0.012000' }, 'USD')).toBe('-0.012 USD');
    // KWD has three decimals (fils): 1.2345 is finer than a fils.
    expect(formatUnitPrice({ unitPriceMinor: '1235', unitPrice: '1.234500' }, 'KWD')).toBe('1.2345 KWD');
    // JPY has none: 0.5 yen a piece is finer than a yen.
    expect(formatUnitPrice({ unitPriceMinor: '0', unitPrice: '0.500000' }, 'JPY')).toBe('0.5 JPY');
  });

  it('puts the unit after the quantity when there is one', () => {
    expect(formatQuantityUom('12.0000', 'EA')).toBe('12 EA');
    expect(formatQuantityUom('10000.5000', 'KG')).toBe('10,000.5 KG');
    expect(formatQuantityUom('-4.0000', null)).toBe('-4');
  });
});

describe("in German, with the user's own time zone (docs/i18n.md)", () => {
  beforeAll(() => applyPreferences({ locale: 'de', timeZone: 'Europe/Berlin' }));
  afterAll(() => applyPreferences({ locale: 'en', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }));

  it('writes money the German way, exactly, whatever the size', () => {
    expect(formatMinor(123456n, 'EUR')).toBe('1.234,56\u00a0€');
    expect(formatMinor('-250', 'EUR')).toBe('-2,50\u00a0€');
    expect(formatMinor('123456789012345678', 'EUR')).toBe('1.234.567.890.123.456,78\u00a0€');
    expect(formatMinor('1000', 'JPY')).toBe('1.000\u00a0¥');
    expect(formatUnitPrice({ unitPriceMinor: '1', unitPrice: '0.006500' }, 'EUR')).toBe('0,0065\u00a0€');
    expect(formatQuantityUom('10000.5000', 'KG')).toBe('10.000,5 KG');
  });

  it('writes dates as 05.12.2026 and times in the chosen zone, with the zone', () => {
    expect(formatDate('2026-12-05')).toBe('05.12.2026');
    // 23:30 UTC is already the next day in Berlin.
    expect(formatDateTime('2026-12-05T23:30:00Z', 'de-DE')).toBe('06.12.2026, 00:30 MEZ');
    expect(todayIso(new Date('2026-12-05T23:30:00Z'))).toBe('2026-12-06');
  });

  it('counts days and says "just now" in German, plurals by German rules', () => {
    const now = Date.parse('2026-12-05T10:00:00Z');
    expect(deadlineLeft('2026-12-06T10:00:00Z', now).text).toBe('noch 1 Tag');
    expect(deadlineLeft('2026-12-08T10:00:00Z', now).text).toBe('noch 3 Tage');
    expect(deadlineLeft('2026-12-04T10:00:00Z', now).text).toBe('Überfällig');
    expect(formatTimeAgo('2026-12-05T10:00:00Z', now)).toBe('Gerade eben');
  });
});
