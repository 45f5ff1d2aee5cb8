import { createSignal, For, type JSX, Match, onCleanup, Show, Switch } from 'solid-js';
import { guard } from '../auth.ts';
import { errorMessage } from './errors.ts';

export interface PickerOption {
  id: string;
  /** What the input shows once chosen. */
  text: string;
  /** A second line in the list (an organisation, a kind). */
  detail?: string;
}

/**
 * A type-ahead picker searched on the server (the ARIA 1.2 combobox pattern): the input has role
 * "combobox" and owns a listbox; Arrow keys move the active option (aria-activedescendant), Enter picks
 * it, Escape closes the list (and, when it is closed, clears the text). Typing is debounced; the list says
 * when it is searching, found nothing or failed. The chosen value is shown with a button to clear it.
 */
export function Combobox(props: {
  id: string;
  label: string;
  /** Shown under the label: what can be typed. */
  hint: string;
  /** Fewer characters than this do not search. */
  minChars?: number;
  search: (text: string) => Promise<PickerOption[]>;
  /** The chosen option's text, or null when nothing is chosen. */
  selected: string | null;
  onSelect: (option: PickerOption | null) => void;
}) {
  const listId = () => `${props.id}-listbox`;
  const hintId = () => `${props.id}-hint`;
  const min = () => props.minChars ?? 2;
  const [text, setText] = createSignal('');
  const [open, setOpen] = createSignal(false);
  const [phase, setPhase] = createSignal<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const [options, setOptions] = createSignal<PickerOption[]>([]);
  const [active, setActive] = createSignal(-1);
  const [error, setError] = createSignal('');
  let input: HTMLInputElement | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  onCleanup(() => clearTimeout(timer));

  const run = async (value: string) => {
    const mine = ++asked;
    setPhase('loading');
    try {
      const found = await guard(props.search(value));
      if (mine !== asked) return; // a later keystroke's answer wins
      setOptions(found);
      setActive(found.length > 0 ? 0 : -1);
      setPhase('ready');
    } catch (err) {
      if (mine !== asked) return;
      setOptions([]);
      setActive(-1);
      setError(errorMessage(err));
      setPhase('error');
    }
  };

  const onInput = (value: string) => {
    setText(value);
    clearTimeout(timer);
    asked++;
    if (value.trim().length < min()) {
      setOptions([]);
      setActive(-1);
      setPhase('idle');
      setOpen(value.trim().length > 0);
      return;
    }
    setOpen(true);
    setPhase('loading');
    timer = setTimeout(() => void run(value.trim()), 250);
  };

  const choose = (option: PickerOption | undefined) => {
    if (!option) return;
    props.onSelect(option);
    setText('');
    setOpen(false);
    setOptions([]);
    setPhase('idle');
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const n = options().length;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open() && text().trim().length >= min()) setOpen(true);
      if (n > 0) setActive((i) => (i + 1) % n);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (n > 0) setActive((i) => (i <= 0 ? n - 1 : i - 1));
    } else if (e.key === 'Enter') {
      if (open() && active() >= 0) {
        e.preventDefault();
        choose(options()[active()]);
      }
    } else if (e.key === 'Escape') {
      if (open()) {
        e.preventDefault();
        setOpen(false);
      } else if (text()) {
        e.preventDefault();
        setText('');
      }
    }
  };

  const status = (): JSX.Element => (
    <Switch>
      <Match when={phase() === 'idle'}>Type at least {min()} characters.</Match>
      <Match when={phase() === 'loading'}>Searching…</Match>
      <Match when={phase() === 'error'}>Searching failed: {error()}</Match>
      <Match when={phase() === 'ready' && options().length === 0}>No matches.</Match>
    </Switch>
  );

  return (
    <div class="field field-grow combobox">
      <label for={props.id}>{props.label}</label>
      <Show
        when={props.selected}
        fallback={
          <div class="combobox-wrap">
            <input
              id={props.id}
              ref={input}
              type="text"
              role="combobox"
              autocomplete="off"
              spellcheck={false}
              maxlength={100}
              aria-autocomplete="list"
              aria-expanded={open()}
              aria-controls={listId()}
              aria-describedby={hintId()}
              aria-activedescendant={open() && active() >= 0 ? `${props.id}-option-${active()}` : undefined}
              value={text()}
              onInput={(e) => onInput(e.currentTarget.value)}
              onKeyDown={onKeyDown}
              onBlur={() => setTimeout(() => setOpen(false), 150)}
              onFocus={() => {
                if (text().trim().length >= min() && options().length > 0) setOpen(true);
              }}
            />
            <div
              id={listId()}
              role="listbox"
              class="combobox-list"
              aria-label={props.label}
              hidden={!open()}
              data-testid={`${props.id}-options`}
            >
              <For each={options()}>
                {(o, i) => (
                  // The keys are handled on the input (aria-activedescendant), so focus never leaves it.
                  <div
                    id={`${props.id}-option-${i()}`}
                    role="option"
                    tabIndex={-1}
                    class="combobox-option"
                    aria-selected={active() === i()}
                    data-id={o.id}
                    onKeyDown={onKeyDown}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => choose(o)}
                    onMouseMove={() => setActive(i())}
                  >
                    <span class="combobox-text">{o.text}</span>
                    <Show when={o.detail}>{(d) => <span class="combobox-detail">{d()}</span>}</Show>
                  </div>
                )}
              </For>
            </div>
            <Show when={open() && (phase() !== 'ready' || options().length === 0)}>
              <p class="combobox-status" data-testid={`${props.id}-status`}>
                {status()}
              </p>
            </Show>
          </div>
        }
      >
        {(chosen) => (
          <div class="combobox-chosen" data-testid={`${props.id}-chosen`}>
            <span class="combobox-chosen-text">{chosen()}</span>
            <button
              type="button"
              class="button button-small"
              aria-label={`Clear ${props.label.toLowerCase()}: ${chosen()}`}
              onClick={() => {
                props.onSelect(null);
                queueMicrotask(() => document.getElementById(props.id)?.focus());
              }}
            >
              Clear
            </button>
          </div>
        )}
      </Show>
      <p class="hint" id={hintId()}>
        {props.hint}
      </p>
      <p class="visually-hidden" role="status" aria-live="polite">
        {open() && phase() === 'ready' ? `${options().length} ${options().length === 1 ? 'match' : 'matches'}` : ''}
      </p>
    </div>
  );
}
