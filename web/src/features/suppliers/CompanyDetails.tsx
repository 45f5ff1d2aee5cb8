import { type BankDetails, type BankScheme, bankSchemeOf, bankSchemesFor } from '@gatehouse/contract';
import { createEffect, createResource, createSignal, For, type JSX, Match, Show, Switch } from 'solid-js';
import { apiUrl } from '../../api-origin.ts';
import { guard } from '../../auth.ts';
import { type MessageKey, t } from '../../i18n.ts';
import { Announcement } from '../../shared/components.tsx';
import { createPagedList, ErrorPanel, ListStates, NoValue, usePageTitle } from '../../shared/data.tsx';
import { errorMessage } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/format.ts';
import { FormError } from '../../shared/forms.tsx';
import { withReauth } from '../../shared/reauth.tsx';
import { trpc } from '../../trpc.ts';
import {
  ADDRESS_FIELDS,
  BANK_FIELDS,
  type ChangeRequest,
  fieldLabel,
  fieldValue,
  KIND_KEYS,
  MONO_FIELDS,
} from './change-request-pieces.tsx';
import { sendFile } from './document-upload.tsx';
import { AttachedFiles, Badge, type FieldIssue, fieldIssues } from './supplier-shared.tsx';

const PAGE_SIZE = 20;

/** Where a bank-detail request stands in approvals, in words. */
const APPROVAL_STATUS_WORDS: Record<NonNullable<ChangeRequest['approvalStatus']>, MessageKey> = {
  pending: 'company.approvalPending',
  'changes-requested': 'company.approvalChanges',
  approved: 'company.approvalApproved',
  rejected: 'company.approvalRejected',
  withdrawn: 'company.approvalWithdrawn',
};

/**
 * Company details (supplier admins): the address and bank details on record, the change requests made
 * (with Withdraw while pending), and the two request forms. Nothing changes until staff accept a request.
 */
export default function CompanyDetails() {
  usePageTitle(() => t('company.title'));
  const [data, { refetch }] = createResource(() => guard(trpc.masterData.get.query()));
  const list = createPagedList(
    () => ({}),
    (_f, cursor) => trpc.changeRequests.list.query({ limit: PAGE_SIZE, cursor }),
  );
  const [announcement, setAnnouncement] = createSignal<string | null>(null);
  const [listError, setListError] = createSignal<string | null>(null);
  const [withdrawing, setWithdrawing] = createSignal<string | null>(null);

  const withdraw = async (r: ChangeRequest) => {
    setWithdrawing(r.id);
    setListError(null);
    setAnnouncement(null);
    try {
      await guard(trpc.changeRequests.withdraw.mutate({ id: r.id }));
      setAnnouncement(t(KIND_KEYS[r.kind].withdrawn));
      list.reload();
    } catch (err) {
      setListError(errorMessage(err));
    } finally {
      setWithdrawing(null);
    }
  };

  const sent = (kind: ChangeRequest['kind']) => {
    setAnnouncement(t(KIND_KEYS[kind].requested));
    list.reload();
    void refetch();
  };

  const resent = () => {
    setAnnouncement(t('bank.resubmitted'));
    list.reload();
    void refetch();
  };

  return (
    <section aria-labelledby="company-title">
      <h1 id="company-title">{t('company.title')}</h1>
      <p class="documents-intro">{t('company.intro')}</p>
      <Announcement testId="company-announcement" message={announcement()} />

      <h2 id="company-current-title">{t('compare.onRecord')}</h2>
      <Switch>
        <Match when={data.state === 'errored'}>
          <ErrorPanel message={errorMessage(data.error)} onRetry={() => void refetch()} />
        </Match>
        <Match when={data.state === 'pending' || data.state === 'unresolved'}>
          <p class="list-message" role="status">
            {t('company.loading')}
          </p>
        </Match>
        <Match when={data.state === 'ready' || data.state === 'refreshing' ? data() : undefined}>
          {(d) => (
            <div class="company-current">
              <dl class="summary" data-testid="company-address" aria-label={t('company.addressOnRecord')}>
                <div>
                  <dt>{t('address.kind')}</dt>
                  <dd>
                    <Show when={d().address} fallback={<span class="muted">{t('company.noAddress')}</span>}>
                      {(a) => (
                        <address class="plain-address">
                          {a().street}
                          <br />
                          {a().postalCode} {a().city}
                          <br />
                          {a().country}
                        </address>
                      )}
                    </Show>
                  </dd>
                </div>
              </dl>
              <dl class="summary" data-testid="company-bank" aria-label={t('company.bankOnRecord')}>
                <Show
                  when={d().bankDetails}
                  fallback={
                    <div>
                      <dt>{t('bank.kind')}</dt>
                      <dd>
                        <span class="muted">{t('company.noBank')}</span>
                      </dd>
                    </div>
                  }
                >
                  {(b) => (
                    <For each={BANK_FIELDS.filter((f) => fieldValue(b(), f))}>
                      {(f) => (
                        <div>
                          <dt>{f === 'country' ? t('bank.country') : fieldLabel(f)}</dt>
                          <dd class={MONO_FIELDS.has(f) ? 'mono' : undefined} data-testid={`company-${f}`}>
                            {fieldValue(b(), f)}
                          </dd>
                        </div>
                      )}
                    </For>
                  )}
                </Show>
              </dl>
              <Show when={d().updatedAt}>
                {(at) => (
                  <p class="hint">
                    {t('company.lastChanged')} <time datetime={at()}>{formatDateTime(at())}</time>.
                  </p>
                )}
              </Show>
            </div>
          )}
        </Match>
      </Switch>

      <div class="panel-grid">
        <BankForm
          onSent={() => sent('bank-details')}
          onLetterFailed={setListError}
          defaultCountry={fieldValue(data()?.bankDetails ?? null, 'country') || (data()?.address?.country ?? '')}
          defaultScheme={data()?.bankDetails ? bankSchemeOf(data()?.bankDetails as BankDetails) : undefined}
        />
        <AddressForm onSent={() => sent('address')} />
      </div>

      <h2 id="company-requests-title">{t('company.requests')}</h2>
      <Show when={listError()}>
        {(message) => (
          <p class="form-error" role="alert" data-testid="requests-error">
            {message()}
          </p>
        )}
      </Show>
      <ListStates list={list} noun={t('company.requestsNoun')} emptyText={t('company.requestsEmpty')}>
        <div class="table-wrap stack">
          <table class="data-table" data-testid="change-requests-table" aria-labelledby="company-requests-title">
            <thead>
              <tr>
                <th scope="col">{t('company.change')}</th>
                <th scope="col">{t('history.status')}</th>
                <th scope="col">{t('company.proposed')}</th>
                <th scope="col">{t('company.requested')}</th>
                <th scope="col">{t('company.outcome')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('docs.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={list.items()}>
                {(r) => (
                  <tr data-testid="change-request-row" data-status={r.status}>
                    <th scope="row">{t(KIND_KEYS[r.kind].name)}</th>
                    <td data-label={t('history.status')}>
                      <Badge status={r.status} testId="change-request-status" />
                      <Show when={r.approvalStatus}>
                        {(status) => (
                          <span class="approval-state" data-testid="change-request-approval-status">
                            {t(APPROVAL_STATUS_WORDS[status()])}
                          </span>
                        )}
                      </Show>
                    </td>
                    <td class="wrap" data-label={t('company.proposed')}>
                      <ProposedValues request={r} />
                    </td>
                    <td class="wrap" data-label={t('company.requested')}>
                      <time datetime={r.requestedAt}>{formatDateTime(r.requestedAt)}</time>
                      <span class="muted"> {t('history.by', { name: r.requestedBy })}</span>
                    </td>
                    <td class="wrap" data-label={t('company.outcome')}>
                      <Show when={r.decidedAt} fallback={<NoValue />}>
                        {(at) => (
                          <>
                            <time datetime={at()}>{formatDateTime(at())}</time>
                            <Show when={r.reason}>{(reason) => <span class="version-reason">{reason()}</span>}</Show>
                          </>
                        )}
                      </Show>
                      <Show when={!r.decidedAt && r.approvalStatus === 'changes-requested'}>
                        <span class="version-reason" data-testid="change-request-approval-note">
                          {r.approvalNote ?? t('company.noReason')}
                        </span>
                      </Show>
                    </td>
                    <td class="actions">
                      <Show when={r.status === 'pending'}>
                        <button
                          type="button"
                          class="button button-small"
                          data-testid="change-request-withdraw"
                          disabled={withdrawing() !== null}
                          aria-busy={withdrawing() === r.id}
                          onClick={() => void withdraw(r)}
                        >
                          {t('company.withdraw')}
                          <span class="visually-hidden"> {t(KIND_KEYS[r.kind].name)}</span>
                        </button>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </ListStates>
      <For each={list.items().filter((r) => r.approvalStatus === 'changes-requested' && r.status === 'pending')}>
        {(r) => <ResubmitForm request={r} onSent={() => resent()} onLetterFailed={setListError} />}
      </For>
    </section>
  );
}

function ProposedValues(props: { request: ChangeRequest }) {
  const fields = () => (props.request.kind === 'bank-details' ? BANK_FIELDS : ADDRESS_FIELDS);
  return (
    <dl class="inline-values">
      <For each={fields().filter((f) => fieldValue(props.request.proposed, f))}>
        {(f) => (
          <div>
            <dt>{fieldLabel(f)}</dt>
            <dd class={MONO_FIELDS.has(f) ? 'mono' : undefined}>{fieldValue(props.request.proposed, f)}</dd>
          </div>
        )}
      </For>
      <Show when={props.request.note}>
        {(note) => (
          <div>
            <dt>{t('company.note')}</dt>
            <dd>{note()}</dd>
          </div>
        )}
      </Show>
      <Show when={props.request.attachments.length > 0}>
        <div>
          <dt>{t('company.evidence')}</dt>
          <dd>
            <AttachedFiles
              files={props.request.attachments}
              link={(attachmentId) => trpc.changeRequests.attachmentLink.query({ attachmentId })}
              testId="change-request-files"
            />
          </dd>
        </div>
      </Show>
    </dl>
  );
}

/**
 * The state of one request form: its error (with the field it belongs to), whether it is sending, and the
 * submit that checks, sends, and on a refusal marks the fields the server names.
 */
function createFormState(prefix: string, fields: readonly string[]) {
  const [issues, setIssues] = createSignal<FieldIssue[]>([]);
  const [general, setGeneral] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  /** The message for a field, by the last part of its path ('bankDetails.iban' -> 'iban'). */
  const forField = (field: string) => issues().find((i) => i.path.split('.').pop() === field)?.message ?? null;
  const focus = (form: HTMLFormElement, field: string | undefined) =>
    (field ? form.querySelector<HTMLElement>(`[id="${prefix}-${field}"]`) : null)?.focus();
  /**
   * `read` returns the field left empty (with its message), or the call to make. After the call the form
   * is emptied and `onSent` runs.
   */
  const submit = async (
    event: SubmitEvent,
    read: (data: FormData) => { missing: string; message: string } | (() => Promise<unknown>),
    onSent: () => void,
  ) => {
    event.preventDefault();
    if (submitting()) return;
    const form = event.currentTarget as HTMLFormElement;
    const call = read(new FormData(form));
    if (typeof call !== 'function') {
      setIssues([{ path: call.missing, message: call.message }]);
      setGeneral(t('company.correctField'));
      focus(form, call.missing);
      return;
    }
    setSubmitting(true);
    setIssues([]);
    setGeneral(null);
    try {
      await guard(call());
      form.reset();
      onSent();
    } catch (err) {
      const found = fieldIssues(err).filter((i) => fields.includes(i.path.split('.').pop() ?? ''));
      setIssues(found);
      setGeneral(found[0]?.message ?? errorMessage(err));
      focus(form, found[0]?.path.split('.').pop());
    } finally {
      setSubmitting(false);
    }
  };
  return { prefix, general, submitting, forField, submit };
}

type FormState = ReturnType<typeof createFormState>;

/** A request form in its panel: heading, the form's error, its fields, a note for staff, the submit button. */
function RequestForm(props: {
  state: FormState;
  title: string;
  testId: string;
  submitTestId: string;
  submitLabel: string;
  onSubmit: (event: SubmitEvent) => void;
  children: JSX.Element;
}) {
  const s = () => props.state;
  return (
    <section class="panel" aria-labelledby={`${s().prefix}-form-title`}>
      <h2 id={`${s().prefix}-form-title`}>{props.title}</h2>
      <form class="form" onSubmit={(e) => props.onSubmit(e)} novalidate data-testid={props.testId}>
        <FormError id={`${s().prefix}-error`} message={s().general()} />
        {props.children}
        <div class="field">
          <label for={`${s().prefix}-note`}>
            {t('company.noteForStaff')}
            <span class="muted"> {t('common.optional')}</span>
          </label>
          <textarea id={`${s().prefix}-note`} name="note" class="textarea" rows={3} maxlength={2000} />
        </div>
        <div class="button-row">
          <button
            type="submit"
            class="button button-primary"
            data-testid={props.submitTestId}
            disabled={s().submitting()}
            aria-busy={s().submitting()}
          >
            {props.submitLabel}
          </button>
        </div>
      </form>
    </section>
  );
}

function Field(props: {
  state: FormState;
  name: string;
  label: string;
  hint?: string;
  autocomplete?: string;
  maxlength: number;
  optional?: boolean;
  class?: string;
  inputClass?: string;
  /** The value the field starts with. */
  value?: string;
  onInput?: (value: string) => void;
}): JSX.Element {
  const id = () => `${props.state.prefix}-${props.name}`;
  const error = () => props.state.forField(props.name);
  const described = () =>
    [error() ? `${id()}-error` : null, props.hint ? `${id()}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div class={props.class ? `field ${props.class}` : 'field'}>
      <label for={id()}>
        {props.label}
        <Show when={props.optional}>
          <span class="muted"> {t('common.optional')}</span>
        </Show>
      </label>
      <input
        id={id()}
        name={props.name}
        type="text"
        class={props.inputClass}
        autocomplete={props.autocomplete ?? 'off'}
        maxlength={props.maxlength}
        // The starting value is the input's default (its attribute): shown until typed over, restored by a reset.
        ref={(el) =>
          createEffect(() => {
            el.defaultValue = props.value ?? '';
          })
        }
        onInput={(e) => props.onInput?.(e.currentTarget.value)}
        required={!props.optional}
        aria-invalid={error() ? 'true' : undefined}
        aria-describedby={described()}
      />
      <Show when={props.hint}>
        {(hint) => (
          <p class="hint" id={`${id()}-hint`}>
            {hint()}
          </p>
        )}
      </Show>
      <Show when={error()}>
        {(message) => (
          <p class="hint field-error" id={`${id()}-error`} data-testid={`${id()}-error`}>
            {message()}
          </p>
        )}
      </Show>
    </div>
  );
}

const text = (data: FormData, name: string) => String(data.get(name) ?? '').trim();

/**
 * The fields of a bank-detail request and of its correction. The bank's country comes first and decides
 * how the account is given (bankSchemesFor): IBAN and BIC; a US routing and account number; a UK sort
 * code and account number (or an IBAN, which UK banks also give).
 */
function BankFields(props: { state: FormState; defaultCountry: string; defaultScheme?: BankScheme | undefined }) {
  // What was typed, else the country on record (it may arrive after the form is drawn); a reset forgets it.
  const [typed, setTyped] = createSignal<string | null>(null);
  const country = () => typed() ?? props.defaultCountry.toUpperCase();
  const schemes = () => (/^[A-Z]{2}$/.test(country()) ? bankSchemesFor(country()) : (['iban'] as const));
  // The way the account on record (or being corrected) is given, until the supplier picks another.
  const [chosen, setChosen] = createSignal<BankScheme | null>(null);
  const scheme = (): BankScheme => {
    const c = chosen() ?? props.defaultScheme;
    return c && schemes().includes(c) ? c : (schemes()[0] as BankScheme);
  };
  const p = () => props.state.prefix;
  return (
    <>
      <Field state={props.state} name="accountHolder" label={t('bank.accountHolder')} maxlength={140} />
      <Field
        state={props.state}
        name="country"
        label={t('bank.country')}
        maxlength={2}
        class="field-narrow"
        inputClass="mono"
        optional={scheme() === 'iban'}
        value={props.defaultCountry}
        hint={t('bank.countryHint')}
        onInput={(v) => setTyped(v.trim().toUpperCase())}
      />
      <input
        type="hidden"
        name="scheme"
        value={scheme()}
        ref={(el) =>
          queueMicrotask(() =>
            el.form?.addEventListener('reset', () => {
              setTyped(null);
              setChosen(null);
            }),
          )
        }
      />
      <Show when={schemes().length > 1}>
        <fieldset class="field" data-testid={`${p()}-scheme`}>
          <legend>{t('bank.schemeLegend')}</legend>
          <For each={schemes()}>
            {(s) => (
              <label class="choice">
                <input
                  type="radio"
                  name={`${p()}-scheme-choice`}
                  value={s}
                  checked={scheme() === s}
                  onChange={() => setChosen(s)}
                />{' '}
                {t(SCHEME_KEYS[s])}
              </label>
            )}
          </For>
        </fieldset>
      </Show>
      <Switch>
        <Match when={scheme() === 'iban'}>
          <Field
            state={props.state}
            name="iban"
            label={t('bank.iban')}
            maxlength={42}
            inputClass="mono"
            hint={t('bank.ibanHint')}
          />
        </Match>
        <Match when={scheme() === 'us-aba'}>
          <Field
            state={props.state}
            name="routingNumber"
            label={t('bank.routingLabel')}
            maxlength={11}
            inputClass="mono"
            class="field-narrow"
            hint={t('bank.routingHint')}
          />
          <Field
            state={props.state}
            name="accountNumber"
            label={t('bank.accountNumber')}
            maxlength={20}
            inputClass="mono"
          />
        </Match>
        <Match when={scheme() === 'gb-sort-code'}>
          <Field
            state={props.state}
            name="sortCode"
            label={t('bank.sortCode')}
            maxlength={8}
            inputClass="mono"
            class="field-narrow"
            hint={t('bank.sortCodeHint')}
          />
          <Field
            state={props.state}
            name="accountNumber"
            label={t('bank.accountNumber')}
            maxlength={20}
            inputClass="mono"
            hint={t('bank.accountNumberHint')}
          />
        </Match>
      </Switch>
      <Field
        state={props.state}
        name="bic"
        label={scheme() === 'iban' ? t('bank.bic') : t('bank.bicAbroad')}
        maxlength={11}
        optional
        inputClass="mono"
        class="field-narrow"
      />
      <div class="field">
        <label for={`${p()}-letter`}>
          {t('bank.letter')}
          <span class="muted"> {t('common.optional')}</span>
        </label>
        <input
          id={`${p()}-letter`}
          name="letter"
          type="file"
          accept="application/pdf,image/png,image/jpeg"
          aria-describedby={`${p()}-letter-hint`}
        />
        <p class="hint" id={`${p()}-letter-hint`}>
          {t('bank.letterHint')}
        </p>
      </div>
    </>
  );
}

/** The fields each kind of account needs, with what to say when one is left empty. */
const SCHEME_FIELDS: Record<BankScheme, readonly (readonly [string, MessageKey])[]> = {
  iban: [['iban', 'bank.enterIban']],
  'us-aba': [
    ['routingNumber', 'bank.enterRouting'],
    ['accountNumber', 'bank.enterAccountNumber'],
  ],
  'gb-sort-code': [
    ['sortCode', 'bank.enterSortCode'],
    ['accountNumber', 'bank.enterAccountNumber'],
  ],
};

/** How each kind of account is given, in the user's language (the contract's BANK_SCHEME_NAMES, translated). */
const SCHEME_KEYS: Record<BankScheme, MessageKey> = {
  iban: 'bank.schemeIban',
  'us-aba': 'bank.schemeAba',
  'gb-sort-code': 'bank.schemeSortCode',
};

/** The bank details and note typed, or the required field left empty. */
function readBank(
  data: FormData,
  send: (bankDetails: BankDetails, note: string | undefined, letter: File | undefined) => Promise<unknown>,
): { missing: string; message: string } | (() => Promise<unknown>) {
  const accountHolder = text(data, 'accountHolder');
  const country = text(data, 'country').toUpperCase();
  const scheme = (text(data, 'scheme') || 'iban') as BankScheme;
  const note = text(data, 'note');
  if (!accountHolder) return { missing: 'accountHolder', message: t('bank.enterHolder') };
  // An IBAN carries its country; every other kind of account needs it said.
  if (!country && scheme !== 'iban') return { missing: 'country', message: t('bank.enterCountry') };
  const details: BankDetails = { accountHolder, scheme, ...(country ? { country } : {}) };
  for (const [name, message] of SCHEME_FIELDS[scheme]) {
    const value = text(data, name);
    if (!value) return { missing: name, message: t(message) };
    Object.assign(details, { [name]: value });
  }
  const bic = text(data, 'bic');
  if (bic) details.bic = bic;
  const file = data.get('letter');
  const letter = file instanceof File && file.size > 0 ? file : undefined;
  return () => send(details, note || undefined, letter);
}

/**
 * Sends the letter onto the request just made. The request stands whatever happens to the file: a refusal
 * is said (onFailed) rather than thrown, since the details were sent.
 */
async function attachLetter(changeRequestId: string, letter: File, onFailed: (message: string) => void) {
  try {
    await sendFile(
      await apiUrl(`/files/change-request-attachments?changeRequestId=${changeRequestId}`),
      letter,
      () => {},
      {},
    );
  } catch (err) {
    onFailed(t('bank.letterFailed', { name: letter.name, message: errorMessage(err) }));
  }
}

function BankForm(props: {
  onSent: () => void;
  defaultCountry: string;
  defaultScheme: BankScheme | undefined;
  onLetterFailed: (message: string) => void;
}) {
  const s = createFormState('bank', BANK_FIELDS);
  return (
    <RequestForm
      state={s}
      title={t('bank.changeTitle')}
      testId="bank-form"
      submitTestId="bank-submit"
      submitLabel={t('company.requestChange')}
      onSubmit={(e) =>
        void s.submit(
          e,
          (data) =>
            readBank(data, async (bankDetails, note, letter) => {
              const { id } = await withReauth(() =>
                trpc.changeRequests.create.mutate({ kind: 'bank-details', bankDetails, ...(note ? { note } : {}) }),
              );
              if (letter) await attachLetter(id, letter, props.onLetterFailed);
            }),
          props.onSent,
        )
      }
    >
      <BankFields state={s} defaultCountry={props.defaultCountry} defaultScheme={props.defaultScheme} />
    </RequestForm>
  );
}

/** A bank-detail request an approver sent back: the corrected details go through approvals again. */
function ResubmitForm(props: {
  request: ChangeRequest;
  onSent: () => void;
  onLetterFailed: (message: string) => void;
}) {
  const s = createFormState(`resubmit-${props.request.id}`, BANK_FIELDS);
  return (
    <RequestForm
      state={s}
      title={t('bank.resubmitTitle')}
      testId="resubmit-form"
      submitTestId="resubmit-submit"
      submitLabel={t('bank.resubmit')}
      onSubmit={(e) =>
        void s.submit(
          e,
          (data) =>
            readBank(data, async (bankDetails, note, letter) => {
              await withReauth(() =>
                trpc.changeRequests.resubmit.mutate({ id: props.request.id, bankDetails, ...(note ? { note } : {}) }),
              );
              if (letter) await attachLetter(props.request.id, letter, props.onLetterFailed);
            }),
          props.onSent,
        )
      }
    >
      <p class="hint">
        {t('company.requested')}{' '}
        <time datetime={props.request.requestedAt}>{formatDateTime(props.request.requestedAt)}</time>.{' '}
        {t('bank.approverAsked')}
      </p>
      <p class="notice" data-testid="resubmit-approval-note">
        {props.request.approvalNote ?? t('company.noReason')}
      </p>
      <BankFields
        state={s}
        defaultCountry={fieldValue(props.request.proposed, 'country')}
        defaultScheme={bankSchemeOf(props.request.proposed as BankDetails)}
      />
    </RequestForm>
  );
}

/** What to say when an address field is left empty. */
const ADDRESS_MISSING: Record<(typeof ADDRESS_FIELDS)[number], MessageKey> = {
  street: 'address.enterStreet',
  postalCode: 'address.enterPostalCode',
  city: 'address.enterCity',
  country: 'address.enterCountry',
};

function AddressForm(props: { onSent: () => void }) {
  const s = createFormState('address', ADDRESS_FIELDS);
  const read = (data: FormData) => {
    const address = {
      street: text(data, 'street'),
      postalCode: text(data, 'postalCode'),
      city: text(data, 'city'),
      country: text(data, 'country').toUpperCase(),
    };
    const note = text(data, 'note');
    const missing = ADDRESS_FIELDS.find((f) => !address[f]);
    if (missing) return { missing, message: t(ADDRESS_MISSING[missing]) };
    return () =>
      withReauth(() => trpc.changeRequests.create.mutate({ kind: 'address', address, ...(note ? { note } : {}) }));
  };
  return (
    <RequestForm
      state={s}
      title={t('address.changeTitle')}
      testId="address-form"
      submitTestId="address-submit"
      submitLabel={t('company.requestChange')}
      onSubmit={(e) => void s.submit(e, read, props.onSent)}
    >
      <Field state={s} name="street" label={t('address.streetNumber')} maxlength={200} autocomplete="street-address" />
      <div class="field-pair">
        <Field state={s} name="postalCode" label={t('address.postalCode')} maxlength={20} autocomplete="postal-code" />
        <Field state={s} name="city" label={t('address.city')} maxlength={100} autocomplete="address-level2" />
      </div>
      <Field
        state={s}
        name="country"
        label={t('address.countryCode')}
        maxlength={2}
        class="field-narrow"
        autocomplete="country"
        hint={t('address.countryHint')}
      />
    </RequestForm>
  );
}
