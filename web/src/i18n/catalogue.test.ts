import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  AUDIT_ACTION_INFO,
  AUDIT_ACTIONS,
  AUDIT_AREAS,
  BUILT_IN_ROLES,
  CONFIRMATION_STATUSES,
  DOCUMENT_STATUSES,
  INVOICE_KINDS,
  INVOICE_STATUSES,
  LOCALES,
  NOTIFICATION_TYPE_KEYS,
  ORDER_STATUSES,
  PERMISSIONS,
  PURCHASE_ORDER_STATUSES,
  SHIP_NOTICE_STATUSES,
  SUPPLIER_INVOICE_STATUSES,
} from '@gatehouse/contract';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import adminDe from './admin.de.ts';
import adminEn from './admin.en.ts';
import de from './de.ts';
import deForms from './de-forms.ts';
import en from './en.ts';
import enForms from './en-forms.ts';

/**
 * The catalogue check (docs/i18n.md): part of `pnpm test`, beside the typecheck, which already refuses a
 * t('key') the English catalogue lacks and a German catalogue without exactly its keys. This test holds
 * what types cannot: every catalogue has every key, every message parses as ICU MessageFormat, a translation
 * uses only the placeholders its English message offers, every t('literal') in the SPA names a key, and the
 * statuses the screens show have their words.
 */
type Catalogue = Record<string, string>;
/** A language's whole catalogue: its parts (web/src/i18n.ts: main, forms, admin) together. */
const CATALOGUES: Record<string, Catalogue> = {
  en: { ...en, ...enForms, ...adminEn },
  de: { ...de, ...deForms, ...adminDe },
};
const PARTS: Record<string, Catalogue[]> = { en: [en, enForms, adminEn], de: [de, deForms, adminDe] };
const WEB = path.resolve(import.meta.dirname, '..');
/** Node types of the ICU parser's AST (@formatjs/icu-messageformat-parser TYPE): text, #, plural, select. */
const LITERAL = 0;
const SELECT = 5;
const PLURAL = 6;
const POUND = 7;

/** Placeholder names of an ICU message ({name}, {count, plural, ...}), nested ones included. */
function placeholders(message: string, locale: string): Set<string> {
  const names = new Set<string>();
  const walk = (nodes: ReturnType<IntlMessageFormat['getAst']>) => {
    for (const node of nodes) {
      if (node.type === LITERAL || node.type === POUND) continue;
      names.add(node.value);
      if (node.type === PLURAL || node.type === SELECT) {
        for (const option of Object.values(node.options)) walk(option.value);
      }
    }
  };
  walk(new IntlMessageFormat(message, locale, undefined, { ignoreTag: true }).getAst());
  return names;
}

/** Every problem with a set of catalogues against the English one and the keys the code uses. */
function catalogueProblems(catalogues: Record<string, Catalogue>, used: Iterable<string>): string[] {
  const problems: string[] = [];
  const source = catalogues.en ?? {};
  const keys = Object.keys(source);
  for (const [locale, messages] of Object.entries(catalogues)) {
    for (const key of keys) if (!(key in messages)) problems.push(`${locale}: missing ${key}`);
    for (const key of Object.keys(messages)) if (!(key in source)) problems.push(`${locale}: unknown ${key}`);
    for (const [key, message] of Object.entries(messages)) {
      try {
        const offered = placeholders(source[key] ?? '', 'en');
        for (const name of placeholders(message, locale)) {
          if (!offered.has(name)) problems.push(`${locale}: ${key} uses {${name}}, which the English message lacks`);
        }
      } catch (err) {
        problems.push(`${locale}: ${key} is not valid MessageFormat (${(err as Error).message})`);
      }
      if (!message.trim()) problems.push(`${locale}: ${key} is empty`);
    }
  }
  for (const key of used) if (!(key in source)) problems.push(`code: t('${key}') is not in the catalogue`);
  return problems;
}

/** Every t('literal') key in the SPA's sources (test files aside). */
function usedKeys(): Set<string> {
  const keys = new Set<string>();
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) visit(full);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.test.ts')) {
        // Comments aside (they may show t('key') as an example).
        const code = readFileSync(full, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
        for (const m of code.matchAll(/\bt\(\s*'([^']+)'/g)) if (m[1]) keys.add(m[1]);
      }
    }
  };
  visit(WEB);
  return keys;
}

describe('message catalogues', () => {
  it('ships a complete catalogue for every language the contract lists', () => {
    expect(Object.keys(CATALOGUES).sort()).toEqual([...LOCALES].sort());
    const used = [...usedKeys()];
    expect(catalogueProblems(CATALOGUES, used)).toEqual([]);
    expect(used.length).toBeGreaterThan(100);
  });

  it('keeps the admin part to admin.* keys and the portal part free of them', () => {
    expect(Object.keys(adminEn).filter((key) => !key.startsWith('admin.'))).toEqual([]);
    expect(Object.keys(en).filter((key) => key.startsWith('admin.'))).toEqual([]);
  });

  it('splits each language into the same parts, the same keys in each part, no key in two parts', () => {
    for (const [locale, parts] of Object.entries(PARTS)) {
      const keys = parts.flatMap((p) => Object.keys(p));
      expect(new Set(keys).size, `${locale}: a key in two parts`).toBe(keys.length);
      for (const [i, part] of parts.entries()) {
        expect(Object.keys(part).sort(), `${locale}: part ${i} keys`).toEqual(Object.keys(PARTS.en?.[i] ?? {}).sort());
      }
    }
  });

  it('fails on a key missing in either catalogue, a broken message, a stray placeholder, an unknown t() key', () => {
    const { 'nav.orders': _gone, ...withoutOne } = de as Catalogue;
    expect(catalogueProblems({ en, de: withoutOne }, [])).toEqual(['de: missing nav.orders']);
    const { 'nav.orders': _also, ...enWithout } = en as Catalogue;
    expect(catalogueProblems({ en: enWithout, de }, [])).toContain('de: unknown nav.orders');
    expect(catalogueProblems({ en, de: { ...de, 'nav.orders': 'Aufträge {' } }, [])[0]).toMatch(
      /de: nav.orders is not valid MessageFormat/,
    );
    expect(catalogueProblems({ en, de: { ...de, 'nav.orders': 'Aufträge {anzahl}' } }, [])).toEqual([
      'de: nav.orders uses {anzahl}, which the English message lacks',
    ]);
    expect(catalogueProblems({ en, de }, ['nav.nowhere'])).toEqual(["code: t('nav.nowhere') is not in the catalogue"]);
  });

  it('has a word for every status and kind the customer and supplier screens show', () => {
    const statuses = new Set<string>([
      ...ORDER_STATUSES,
      ...INVOICE_STATUSES,
      ...INVOICE_KINDS,
      ...PURCHASE_ORDER_STATUSES,
      ...CONFIRMATION_STATUSES,
      ...SHIP_NOTICE_STATUSES,
      ...SUPPLIER_INVOICE_STATUSES,
      ...DOCUMENT_STATUSES,
      'in-transit',
    ]);
    for (const [locale, messages] of Object.entries(CATALOGUES)) {
      expect(
        [...statuses].filter((s) => !(`status.${s}` in messages)),
        locale,
      ).toEqual([]);
    }
  });

  it('has a label for every audit action and area the audit screens show, English as the contract writes it', () => {
    for (const [locale, messages] of Object.entries({ en: adminEn as Catalogue, de: adminDe as Catalogue })) {
      expect(
        AUDIT_ACTIONS.filter((a) => !(`admin.audit.action.${a}` in messages)),
        locale,
      ).toEqual([]);
      expect(Object.keys(messages).filter((k) => k.startsWith('admin.audit.area.')).length, locale).toBe(
        AUDIT_AREAS.length,
      );
    }
    // The contract's label is the English one (one place for it): the catalogue repeats it exactly.
    expect(
      AUDIT_ACTIONS.filter((a) => (adminEn as Catalogue)[`admin.audit.action.${a}`] !== AUDIT_ACTION_INFO[a].label),
    ).toEqual([]);
  });

  it('names every notification type the Profile page offers, in every language', () => {
    for (const [locale, messages] of Object.entries(CATALOGUES))
      expect(
        NOTIFICATION_TYPE_KEYS.filter((type) => !(`notify.type.${type}` in messages)),
        locale,
      ).toEqual([]);
  });

  it('names and describes every permission of the contract’s catalogue, in every language (the Roles page)', () => {
    for (const [locale, messages] of Object.entries({ en: adminEn as Catalogue, de: adminDe as Catalogue })) {
      expect(
        PERMISSIONS.filter((p) => !messages[`admin.permission.${p}.name`]?.trim()),
        `${locale}: permissions without a name`,
      ).toEqual([]);
      expect(
        PERMISSIONS.filter((p) => !messages[`admin.permission.${p}.description`]?.trim()),
        `${locale}: permissions without a description`,
      ).toEqual([]);
      // And none for a permission the contract no longer has.
      const known = new Set<string>(PERMISSIONS);
      expect(
        Object.keys(messages)
          .filter((k) => k.startsWith('admin.permission.'))
          .map((k) => k.replace(/^admin\.permission\./, '').replace(/\.(name|description)$/, ''))
          .filter((p) => !known.has(p)),
        locale,
      ).toEqual([]);
    }
  });

  it('names every built-in role of the contract in the main part, in every language (Users, Roles, the home)', () => {
    for (const [locale, messages] of Object.entries({ en: en as Catalogue, de: de as Catalogue })) {
      expect(
        BUILT_IN_ROLES.filter((r) => !messages[`role.${r.key}`]?.trim()).map((r) => r.key),
        `${locale}: built-in roles without a name`,
      ).toEqual([]);
      const known = new Set<string>(BUILT_IN_ROLES.map((r) => r.key));
      expect(
        Object.keys(messages)
          .filter((k) => k.startsWith('role.'))
          .filter((k) => !known.has(k.slice('role.'.length))),
        locale,
      ).toEqual([]);
    }
    // English says what the contract (and the database) stores.
    for (const r of BUILT_IN_ROLES) expect(en[`role.${r.key}` as keyof typeof en]).toBe(r.name);
  });

  it('formats plurals by each language: one and other', () => {
    const format = (locale: string, message: string, count: number) =>
      String(new IntlMessageFormat(message, locale).format({ count }));
    expect(format('de', de['time.daysLeft'], 1)).toBe('noch 1 Tag');
    expect(format('de', de['time.daysLeft'], 14)).toBe('noch 14 Tage');
    expect(format('en', en['time.daysLeft'], 1)).toBe('1 day left');
    expect(format('de', de['list.showing'], 1)).toBe('1 Eintrag angezeigt');
    expect(format('de', de['list.showing'], 1_234)).toBe('1.234 Einträge angezeigt');
  });
});
