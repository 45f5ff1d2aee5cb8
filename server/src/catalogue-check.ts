import { IntlMessageFormat } from 'intl-messageformat';

/**
 * The one check of the server's message catalogues (mail, error messages, documents; docs/i18n.md): their
 * unit tests call it instead of each keeping a copy. One catalogue per language, `en` the source.
 */
export type Catalogue = Record<string, string>;

/** The argument names a message uses (plain, number, date, select and plural arguments, nested too). */
export function placeholders(message: string, locale: string): Set<string> {
  const names = new Set<string>();
  const walk = (nodes: ReturnType<IntlMessageFormat['getAst']>) => {
    for (const node of nodes) {
      if (!('value' in node) || typeof node.value !== 'string' || node.type === 0) continue;
      names.add(node.value);
      if ('options' in node) for (const option of Object.values(node.options)) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(message, locale, undefined, { ignoreTag: true }).getAst());
  return names;
}

/**
 * What is wrong with `catalogues`: a key missing from a language or unknown to English, an empty message,
 * one that is not ICU MessageFormat, a placeholder English does not offer, and with `sorted`, keys out of
 * order (so a merge finds each in one place). Empty when sound.
 */
export function catalogueProblems(catalogues: Record<string, Catalogue>, opts: { sorted?: boolean } = {}): string[] {
  const out: string[] = [];
  const source = catalogues.en ?? {};
  for (const [locale, messages] of Object.entries(catalogues)) {
    for (const key of Object.keys(source)) if (!(key in messages)) out.push(`${locale}: missing ${key}`);
    for (const key of Object.keys(messages)) if (!(key in source)) out.push(`${locale}: unknown ${key}`);
    const keys = Object.keys(messages);
    if (opts.sorted && keys.join('\n') !== [...keys].sort().join('\n')) out.push(`${locale}: keys are not sorted`);
    for (const [key, message] of Object.entries(messages)) {
      if (message.trim() === '') out.push(`${locale}: ${key} is empty`);
      try {
        const allowed = placeholders(source[key] ?? '', 'en');
        for (const name of placeholders(message, locale))
          if (!allowed.has(name)) out.push(`${locale}: ${key} uses {${name}}, which English does not offer`);
      } catch (err) {
        out.push(`${locale}: ${key} is not ICU MessageFormat (${(err as Error).message})`);
      }
    }
  }
  return out;
}
