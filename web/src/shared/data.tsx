import { LIMITS } from '@gatehouse/contract';
import { A, useBeforeLeave, useLocation, useParams, useSearchParams } from '@solidjs/router';
import {
  type Accessor,
  createEffect,
  createResource,
  createSignal,
  For,
  type JSX,
  Match,
  on,
  onCleanup,
  Show,
  Switch,
} from 'solid-js';
import { can, guard } from '../auth.ts';
import { t } from '../i18n.ts';
import { trpc } from '../trpc.ts';
import { errorCode, errorMessage } from './errors.ts';
import { label } from './format.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type ListPhase = 'loading' | 'ready' | 'error';

export interface PagedList<T> {
  items: Accessor<T[]>;
  phase: Accessor<ListPhase>;
  error: Accessor<string | null>;
  hasMore: Accessor<boolean>;
  loadingMore: Accessor<boolean>;
  moreError: Accessor<string | null>;
  reload: () => void;
  loadMore: () => void;
}

/**
 * Where a list was: its filters, how many pages were shown, how far it was scrolled. Kept in the history
 * entry's state (not in memory), so Back from a detail page, and a reload, return to the same place.
 * Only the page count is kept, never the rows: they are fetched again (fresh statuses), page by page with
 * the server's own cursors, and the scroll position is restored once they are all there.
 */
interface ListPlace {
  /** The list instance that wrote it: only that one updates it (a Back lands on another entry first). */
  id: string;
  filters: string;
  pages: number;
  scrollY: number;
}
const PLACE = 'gatehouseList';
const placeInHistory = (): ListPlace | undefined =>
  (window.history.state as Record<string, ListPlace | undefined> | null)?.[PLACE];
const keepPlace = (place: ListPlace) =>
  window.history.replaceState({ ...(window.history.state ?? {}), [PLACE]: place }, '');

/**
 * Keyset-paginated list: reloads the first page whenever `filters` changes, appends on loadMore.
 * Answers to superseded requests (filters changed meanwhile) are dropped. Back to a list shows as many
 * pages as were loaded, scrolled where it was (ListPlace).
 */
export function createPagedList<F, T>(
  filters: Accessor<F>,
  fetchPage: (filters: F, cursor: string | undefined) => Promise<Page<T>>,
): PagedList<T> {
  const [items, setItems] = createSignal<T[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [phase, setPhase] = createSignal<ListPhase>('loading');
  const [error, setError] = createSignal<string | null>(null);
  const [loadingMore, setLoadingMore] = createSignal(false);
  const [moreError, setMoreError] = createSignal<string | null>(null);
  let generation = 0;
  const id = Math.random().toString(36).slice(2);
  let pages = 0;
  let disposed = false;
  onCleanup(() => {
    disposed = true;
  });
  const filtersKey = () => JSON.stringify(filters());
  // The place this history entry remembers, if it was left with these filters (Back, or a reload).
  const remembered = placeInHistory();
  let restore = remembered && remembered.filters === filtersKey() ? remembered : undefined;
  const remember = (scrollY = window.scrollY) => {
    if (!disposed) keepPlace({ id, filters: filtersKey(), pages, scrollY });
  };
  // Before a link or Back leaves the list, its scroll position goes with the entry. On Back the browser
  // has already moved to the previous entry, which this list must not write to: hence the id.
  useBeforeLeave(() => {
    if (!disposed && placeInHistory()?.id === id) remember();
  });

  async function reload() {
    const current = ++generation;
    const target = restore;
    restore = undefined;
    setPhase('loading');
    setError(null);
    setMoreError(null);
    setLoadingMore(false);
    try {
      const page = await guard(fetchPage(filters(), undefined));
      if (current !== generation) return;
      let rows = page.items;
      let next = page.nextCursor;
      pages = 1;
      // Back to where the user was: the same number of pages, one after another by their cursors.
      while (target && pages < target.pages && next !== null) {
        const more = await guard(fetchPage(filters(), next));
        if (current !== generation) return;
        rows = [...rows, ...more.items];
        next = more.nextCursor;
        pages += 1;
      }
      setItems(rows);
      setCursor(next);
      setPhase('ready');
      if (target) requestAnimationFrame(() => window.scrollTo(0, target.scrollY));
      remember(target?.scrollY);
    } catch (err) {
      if (current !== generation) return;
      setError(errorMessage(err));
      setPhase('error');
    }
  }

  async function loadMore() {
    const next = cursor();
    if (next === null || loadingMore()) return;
    const current = generation;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await guard(fetchPage(filters(), next));
      if (current !== generation) return;
      setItems((prev) => [...prev, ...page.items]);
      setCursor(page.nextCursor);
      pages += 1;
      remember();
    } catch (err) {
      if (current === generation) setMoreError(errorMessage(err));
    } finally {
      if (current === generation) setLoadingMore(false);
    }
  }

  createEffect(on(filters, () => void reload()));

  return {
    items,
    phase,
    error,
    hasMore: () => cursor() !== null,
    loadingMore,
    moreError,
    reload: () => void reload(),
    loadMore: () => void loadMore(),
  };
}

/** Calls `fn` once input has been quiet for `ms`; pending calls are dropped when the owner is disposed. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function usePageTitle(title: () => string): void {
  createEffect(() => {
    document.title = `${title()} · Gatehouse`;
  });
}

/**
 * A filter of a list page: a labelled select whose value lives in the URL (`?${param}=`); the first
 * option (`allLabel`) clears it.
 */
export function FilterSelect<V extends string>(props: {
  id: string;
  label: string;
  /** The URL parameter; also the select's name unless `name` says otherwise. */
  param: string;
  name?: string;
  options: readonly V[];
  /** Shown as `<optgroup>`s after the flat `options` (a long list reads better by area). */
  groups?: readonly { label: string; options: readonly V[] }[];
  optionLabel: (value: V) => string;
  allLabel: string;
  value: string | undefined;
}) {
  const [, setParams] = useSearchParams();
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        name={props.name ?? props.param}
        value={props.value ?? ''}
        onChange={(e) => setParams({ [props.param]: e.currentTarget.value || undefined }, { replace: true })}
      >
        <option value="">{props.allLabel}</option>
        <For each={props.options}>{(o) => <option value={o}>{props.optionLabel(o)}</option>}</For>
        <For each={props.groups ?? []}>
          {(g) => (
            <optgroup label={g.label}>
              <For each={g.options}>{(o) => <option value={o}>{props.optionLabel(o)}</option>}</For>
            </optgroup>
          )}
        </For>
      </select>
    </div>
  );
}

/** The status filter of a list page: a labelled select whose value lives in the URL (`?status=`). */
export function StatusFilter(props: {
  id: string;
  statuses: readonly string[];
  value: string | undefined;
  optionLabel?: (status: string) => string;
}) {
  return (
    <FilterSelect
      id={props.id}
      label={t('list.status')}
      param="status"
      options={props.statuses}
      optionLabel={props.optionLabel ?? label}
      allLabel={t('list.allStatuses')}
      value={props.value}
    />
  );
}

/** A uuid from the URL (staff narrowing to one party), or undefined: a hand-edited address is ignored. */
export const uuidParam = (v: unknown) =>
  typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) ? v : undefined;

/**
 * The signed-in user works across parties (internal staff holding parties:cross): their lists mix
 * customers or suppliers, so each row names its party and the list can be narrowed to one.
 */
export const crossParty = () => can('parties:cross');

/**
 * A staff list's party filter: find a customer or supplier by name or ERP reference (parties.list,
 * searched on the server) and narrow the list to it. The choice lives in the URL (`?partyId=`) like
 * every filter; the server takes it only from cross-party staff and scopes the list by it (RLS under it).
 * `chosenName` names the chosen party (the rows carry it); without rows it says "one customer".
 */
export function PartyFilter(props: {
  id: string;
  kind: 'customer' | 'supplier';
  label: string;
  chosenName?: string | null | undefined;
}) {
  const [params, setParams] = useSearchParams();
  const [results, setResults] = createSignal<{ id: string; label: string }[]>([]);
  const [text, setText] = createSignal('');
  let seq = 0;
  const search = async (term: string) => {
    const mine = ++seq;
    try {
      const page = await guard(
        trpc.parties.list.query({ kind: props.kind, limit: 20, ...(term.trim() ? { search: term.trim() } : {}) }),
      );
      if (mine === seq)
        setResults(page.items.map((p) => ({ id: p.id, label: p.erpRef ? `${p.name} (${p.erpRef})` : p.name })));
    } catch {
      if (mine === seq) setResults([]);
    }
  };
  const searchSoon = debounce((term: string) => void search(term), 250);
  // Choosing an option of the list (or typing one exactly) narrows the list at once.
  const pick = (value: string) => {
    const found = results().find((r) => r.label === value);
    if (!found) return false;
    setParams({ partyId: found.id }, { replace: true });
    setText('');
    return true;
  };
  const chosen = () => uuidParam(params.partyId);
  return (
    <div class="field field-party">
      <label for={props.id}>{props.label}</label>
      <Show
        when={chosen()}
        fallback={
          <>
            <input
              id={props.id}
              name="party"
              type="search"
              list={`${props.id}-options`}
              placeholder="Name or ERP reference"
              autocomplete="off"
              data-testid="party-filter"
              value={text()}
              onFocus={() => {
                if (results().length === 0) void search(text());
              }}
              onInput={(e) => {
                setText(e.currentTarget.value);
                if (!pick(e.currentTarget.value)) searchSoon(e.currentTarget.value);
              }}
              onChange={(e) => pick(e.currentTarget.value)}
            />
            <datalist id={`${props.id}-options`}>
              <For each={results()}>{(r) => <option value={r.label} />}</For>
            </datalist>
          </>
        }
      >
        <div class="party-chosen">
          <span data-testid="party-filter-chosen">{props.chosenName ?? `One ${props.kind}`}</span>
          <button
            id={props.id}
            type="button"
            class="button"
            data-testid="party-filter-clear"
            onClick={() => setParams({ partyId: undefined }, { replace: true })}
          >
            All {props.kind}s
          </button>
        </div>
      </Show>
    </div>
  );
}

/**
 * The text search of a list page: what is typed shows at once, and goes to the URL (`?q=`) once typing
 * has paused, which reloads the list.
 */
export function SearchField(props: { id: string; placeholder: string; label?: string }) {
  const [params, setParams] = useSearchParams();
  const [text, setText] = createSignal(typeof params.q === 'string' ? params.q : '');
  const apply = debounce((value: string) => setParams({ q: value.trim() || undefined }, { replace: true }), 300);
  return (
    <div class="field field-grow">
      <label for={props.id}>{props.label ?? t('list.search')}</label>
      <input
        id={props.id}
        name="search"
        type="search"
        placeholder={props.placeholder}
        maxlength={LIMITS.searchMax}
        autocomplete="off"
        value={text()}
        onInput={(e) => {
          setText(e.currentTarget.value);
          apply(e.currentTarget.value);
        }}
      />
    </div>
  );
}

/** Status with its word always visible (colour is only a second cue). */
export function StatusBadge(props: { status: string }) {
  return <span class={`badge badge-${props.status}`}>{label(props.status)}</span>;
}

export function ErrorPanel(props: { message: string; onRetry?: () => void }) {
  return (
    <div class="error-panel" data-testid="error-panel">
      <p role="alert">{props.message}</p>
      <Show when={props.onRetry}>
        {(retry) => (
          <button type="button" class="button" onClick={() => retry()()}>
            {t('common.retry')}
          </button>
        )}
      </Show>
    </div>
  );
}

/** Loading, error and empty states around a list's table; the table shows once there is something in it. */
export function ListStates<T>(props: { list: PagedList<T>; noun: string; emptyText: string; children: JSX.Element }) {
  const { list } = props;
  return (
    <>
      <Show when={list.phase() === 'error'}>
        <ErrorPanel message={list.error() ?? ''} onRetry={list.reload} />
      </Show>
      <Show when={list.phase() === 'loading' && list.items().length === 0}>
        <p class="list-message" role="status">
          {t('list.loading', { noun: props.noun })}
        </p>
      </Show>
      <Show when={list.phase() === 'ready' && list.items().length === 0}>
        <p class="list-message" data-testid="list-empty">
          {props.emptyText}
        </p>
      </Show>
      <Show when={list.phase() !== 'error' && list.items().length > 0}>
        {props.children}
        <ListFooter list={list} noun={props.noun} />
      </Show>
    </>
  );
}

/**
 * A list page's table inside its ListStates: caption for screen readers, column heads, a row per item, and
 * aria-busy while a new first page loads.
 */
export function ListTable<T>(props: {
  list: PagedList<T>;
  noun: string;
  emptyText: string;
  testId: string;
  caption: JSX.Element;
  head: JSX.Element;
  children: (item: T) => JSX.Element;
}) {
  return (
    <ListStates list={props.list} noun={props.noun} emptyText={props.emptyText}>
      <div class="table-wrap stack">
        <table class="data-table" data-testid={props.testId} aria-busy={props.list.phase() === 'loading'}>
          <caption class="visually-hidden">{props.caption}</caption>
          <thead>
            <tr>{props.head}</tr>
          </thead>
          <tbody>
            <For each={props.list.items()}>{(item) => props.children(item)}</For>
          </tbody>
        </table>
      </div>
    </ListStates>
  );
}

/**
 * A table's column heads (scope="col"), in a ListTable's `head` or a <thead><tr>; `actions` adds the last,
 * unnamed column of row buttons, named for screen readers only.
 */
export function ColumnHeads(props: { names: readonly string[]; actions?: string }) {
  return (
    <>
      <For each={props.names}>{(name) => <th scope="col">{name}</th>}</For>
      <Show when={props.actions}>
        {(actions) => (
          <th scope="col">
            <span class="visually-hidden">{actions()}</span>
          </th>
        )}
      </Show>
    </>
  );
}

function ListFooter<T>(props: { list: PagedList<T>; noun: string }) {
  const { list } = props;
  const count = () => list.items().length;
  return (
    <div class="list-footer">
      <p role="status" data-testid="list-count">
        {list.phase() === 'loading'
          ? t('list.updating', { noun: props.noun })
          : t('list.showing', { count: count(), noun: noun(props.noun, count()) })}
      </p>
      <Show when={list.moreError()}>{(message) => <p role="alert">{message()}</p>}</Show>
      <Show when={list.hasMore() && list.phase() === 'ready'}>
        <button
          type="button"
          class="button"
          onClick={list.loadMore}
          aria-disabled={list.loadingMore()}
          aria-busy={list.loadingMore()}
        >
          {list.loadingMore() ? t('common.loading') : t('list.loadMore')}
        </button>
      </Show>
    </div>
  );
}

/** 'orders' -> 'order' for a count of one. */
function noun(plural: string, count: number): string {
  return count === 1 && plural.endsWith('s') ? plural.slice(0, -1) : plural;
}

/** Shown for an empty cell: a dash for the eye, a word for screen readers. */
export function NoValue() {
  return (
    <>
      <span aria-hidden="true">—</span>
      <span class="visually-hidden">{t('common.none')}</span>
    </>
  );
}

// Each list's address as last seen (with its filters), so a detail page's back link returns there.
const lastListHref = new Map<string, string>();
export const rememberListHref = (list: string, href: string) => lastListHref.set(list, href);
export const listHref = (list: string) => lastListHref.get(list) ?? list;
/** Remembers this list page's address (with its filters) while it is shown, for rememberListHref. */
export function useRememberedList(list: string): void {
  const location = useLocation();
  createEffect(() => rememberListHref(list, location.pathname + location.search));
}

/**
 * A page showing one object fetched by the `:id` in its URL, with the four states every detail page has:
 * loading, not found (another party's id and a malformed one alike: the server says NOT_FOUND or
 * BAD_REQUEST, and neither reveals anything), an error with retry, and the object. The object's own view
 * renders the page heading with id `${props.id}-title`.
 */
export function DetailPage<T>(props: {
  /** Prefix of the heading id and the not-found test id, e.g. "order". */
  id: string;
  /** The object's name for people, e.g. "Order" ("Order not found", "That order was not found."). */
  noun: string;
  back: { href: string; label: string };
  fetch: (id: string) => Promise<T>;
  pageTitle: (item: T) => string;
  children: (item: Accessor<T>, refetch: () => void) => JSX.Element;
}) {
  const params = useParams();
  const [item, { refetch }] = createResource(
    () => params.id,
    (id) => guard(props.fetch(id)),
  );
  const ready = () => (item.state === 'ready' || item.state === 'refreshing' ? item() : undefined);
  const notFound = () => item.state === 'errored' && ['NOT_FOUND', 'BAD_REQUEST'].includes(errorCode(item.error) ?? '');
  const lower = props.noun.toLowerCase();
  const titleId = `${props.id}-title`;
  usePageTitle(() => {
    const i = ready();
    return i ? props.pageTitle(i) : props.noun;
  });
  return (
    <section aria-labelledby={titleId} class="detail">
      <p class="back">
        <A href={listHref(props.back.href)}>← {props.back.label}</A>
      </p>
      <Switch>
        <Match when={item.state === 'pending' || item.state === 'unresolved'}>
          <h1 id={titleId}>{props.noun}</h1>
          <p class="list-message" role="status">
            {t('detail.loading', { noun: lower })}
          </p>
        </Match>
        <Match when={notFound()}>
          <h1 id={titleId}>{t('detail.notFoundTitle', { noun: props.noun })}</h1>
          <p role="alert" class="form-error" data-testid={`${props.id}-not-found`}>
            {t('detail.notFound', { noun: lower })}
          </p>
        </Match>
        <Match when={item.state === 'errored'}>
          <h1 id={titleId}>{props.noun}</h1>
          <ErrorPanel message={errorMessage(item.error)} onRetry={() => void refetch()} />
        </Match>
        <Match when={ready()}>{(i) => props.children(i, () => void refetch())}</Match>
      </Switch>
    </section>
  );
}
