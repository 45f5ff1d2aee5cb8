import { createResource, createSignal, For, type JSX, Match, Show, Switch } from 'solid-js';
import { guard } from '../auth.ts';
import { createPagedList, ErrorPanel, ListStates, NoValue, usePageTitle } from '../data.tsx';
import { errorMessage } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { FormError } from '../forms.tsx';
import { trpc } from '../trpc.ts';
import { Badge, type FieldIssue, fieldIssues, formatIban } from './supplier-shared.tsx';

type ChangeRequest = Awaited<ReturnType<typeof trpc.changeRequests.list.query>>['items'][number];
type Values = ChangeRequest['proposed'];

const PAGE_SIZE = 20;

/** Field names as people read them, in the order shown. */
export const FIELD_LABELS: Record<string, string> = {
  accountHolder: 'Account holder',
  iban: 'IBAN',
  bic: 'BIC',
  street: 'Street',
  postalCode: 'Postal code',
  city: 'City',
  country: 'Country',
};
export const BANK_FIELDS = ['accountHolder', 'iban', 'bic'] as const;
export const ADDRESS_FIELDS = ['street', 'postalCode', 'city', 'country'] as const;
export const KIND_LABELS: Record<ChangeRequest['kind'], string> = {
  'bank-details': 'Bank details',
  address: 'Address',
};

/** One field of master data as shown: IBANs grouped in fours, empty as a dash. */
export function fieldValue(values: Values | null, field: string): string {
  const raw = values ? (values as Record<string, string | undefined>)[field] : undefined;
  if (!raw) return '';
  return field === 'iban' ? formatIban(raw) : raw;
}

/**
 * Company details (supplier admins): the address and bank details on record, the change requests made
 * (with Withdraw while pending), and the two request forms. Nothing changes until staff accept a request.
 */
export default function CompanyDetails() {
  usePageTitle(() => 'Company details');
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
      setAnnouncement(`Your ${KIND_LABELS[r.kind].toLowerCase()} request was withdrawn.`);
      list.reload();
    } catch (err) {
      setListError(errorMessage(err));
    } finally {
      setWithdrawing(null);
    }
  };

  const sent = (kind: ChangeRequest['kind']) => {
    setAnnouncement(
      `Your ${KIND_LABELS[kind].toLowerCase()} change was requested. It takes effect once our staff have checked it.`,
    );
    list.reload();
    void refetch();
  };

  return (
    <section aria-labelledby="company-title">
      <h1 id="company-title">Company details</h1>
      <p class="documents-intro">
        The address and bank details we hold for your company. Changes are requested here and take effect once our staff
        have checked them.
      </p>
      <div role="status" aria-live="polite" data-testid="company-announcement">
        <Show when={announcement()}>{(message) => <p class="notice">{message()}</p>}</Show>
      </div>

      <h2 id="company-current-title">On record</h2>
      <Switch>
        <Match when={data.state === 'errored'}>
          <ErrorPanel message={errorMessage(data.error)} onRetry={() => void refetch()} />
        </Match>
        <Match when={data.state === 'pending' || data.state === 'unresolved'}>
          <p class="list-message" role="status">
            Loading company details…
          </p>
        </Match>
        <Match when={data.state === 'ready' || data.state === 'refreshing' ? data() : undefined}>
          {(d) => (
            <div class="company-current">
              <dl class="summary" data-testid="company-address" aria-label="Address on record">
                <div>
                  <dt>Address</dt>
                  <dd>
                    <Show when={d().address} fallback={<span class="muted">No address on record</span>}>
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
              <dl class="summary" data-testid="company-bank" aria-label="Bank details on record">
                <Show
                  when={d().bankDetails}
                  fallback={
                    <div>
                      <dt>Bank details</dt>
                      <dd>
                        <span class="muted">No bank details on record</span>
                      </dd>
                    </div>
                  }
                >
                  {(b) => (
                    <>
                      <div>
                        <dt>Account holder</dt>
                        <dd>{b().accountHolder}</dd>
                      </div>
                      <div>
                        <dt>IBAN</dt>
                        <dd class="mono" data-testid="company-iban">
                          {formatIban(b().iban)}
                        </dd>
                      </div>
                      <div>
                        <dt>BIC</dt>
                        <dd class="mono">{b().bic || <NoValue />}</dd>
                      </div>
                    </>
                  )}
                </Show>
              </dl>
              <Show when={d().updatedAt}>
                {(at) => (
                  <p class="hint">
                    Last changed <time datetime={at()}>{formatDateTime(at())}</time>.
                  </p>
                )}
              </Show>
            </div>
          )}
        </Match>
      </Switch>

      <div class="panel-grid">
        <BankForm onSent={() => sent('bank-details')} />
        <AddressForm onSent={() => sent('address')} />
      </div>

      <h2 id="company-requests-title">Your change requests</h2>
      <Show when={listError()}>
        {(message) => (
          <p class="form-error" role="alert" data-testid="requests-error">
            {message()}
          </p>
        )}
      </Show>
      <ListStates list={list} noun="requests" emptyText="You have not requested any changes.">
        <div class="table-wrap stack">
          <table class="data-table" data-testid="change-requests-table" aria-labelledby="company-requests-title">
            <thead>
              <tr>
                <th scope="col">Change</th>
                <th scope="col">Status</th>
                <th scope="col">Proposed</th>
                <th scope="col">Requested</th>
                <th scope="col">Outcome</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={list.items()}>
                {(r) => (
                  <tr data-testid="change-request-row" data-status={r.status}>
                    <th scope="row">{KIND_LABELS[r.kind]}</th>
                    <td data-label="Status">
                      <Badge status={r.status} testId="change-request-status" />
                    </td>
                    <td class="wrap" data-label="Proposed">
                      <ProposedValues request={r} />
                    </td>
                    <td class="wrap" data-label="Requested">
                      <time datetime={r.requestedAt}>{formatDateTime(r.requestedAt)}</time>
                      <span class="muted"> by {r.requestedBy}</span>
                    </td>
                    <td class="wrap" data-label="Outcome">
                      <Show when={r.decidedAt} fallback={<NoValue />}>
                        {(at) => (
                          <>
                            <time datetime={at()}>{formatDateTime(at())}</time>
                            <Show when={r.reason}>{(reason) => <span class="version-reason">{reason()}</span>}</Show>
                          </>
                        )}
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
                          Withdraw<span class="visually-hidden"> the {KIND_LABELS[r.kind].toLowerCase()} request</span>
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
            <dt>{FIELD_LABELS[f]}</dt>
            <dd class={f === 'iban' || f === 'bic' ? 'mono' : undefined}>{fieldValue(props.request.proposed, f)}</dd>
          </div>
        )}
      </For>
      <Show when={props.request.note}>
        {(note) => (
          <div>
            <dt>Note</dt>
            <dd>{note()}</dd>
          </div>
        )}
      </Show>
    </dl>
  );
}

/** The state of one request form: its error (with the field it belongs to) and whether it is sending. */
function createFormState(prefix: string) {
  const [issues, setIssues] = createSignal<FieldIssue[]>([]);
  const [general, setGeneral] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  /** The message for a field, by the last part of its path ('bankDetails.iban' -> 'iban'). */
  const forField = (field: string) => issues().find((i) => i.path.split('.').pop() === field)?.message ?? null;
  const fail = (err: unknown, fields: readonly string[], form: HTMLFormElement) => {
    const found = fieldIssues(err).filter((i) => fields.includes(i.path.split('.').pop() ?? ''));
    setIssues(found);
    setGeneral(found[0]?.message ?? errorMessage(err));
    const first = found[0]?.path.split('.').pop();
    const target = first ? form.querySelector<HTMLElement>(`#${prefix}-${first}`) : null;
    target?.focus();
  };
  const reset = () => {
    setIssues([]);
    setGeneral(null);
  };
  return { issues, setIssues, general, setGeneral, submitting, setSubmitting, forField, fail, reset };
}

function Field(props: {
  prefix: string;
  name: string;
  label: string;
  error: string | null;
  hint?: string;
  autocomplete?: string;
  maxlength: number;
  optional?: boolean;
  class?: string;
  inputClass?: string;
}): JSX.Element {
  const id = () => `${props.prefix}-${props.name}`;
  const described = () =>
    [props.error ? `${id()}-error` : null, props.hint ? `${id()}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div class={props.class ? `field ${props.class}` : 'field'}>
      <label for={id()}>
        {props.label}
        <Show when={props.optional}>
          <span class="muted"> (optional)</span>
        </Show>
      </label>
      <input
        id={id()}
        name={props.name}
        type="text"
        class={props.inputClass}
        autocomplete={props.autocomplete ?? 'off'}
        maxlength={props.maxlength}
        required={!props.optional}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={described()}
      />
      <Show when={props.hint}>
        {(hint) => (
          <p class="hint" id={`${id()}-hint`}>
            {hint()}
          </p>
        )}
      </Show>
      <Show when={props.error}>
        {(message) => (
          <p class="hint field-error" id={`${id()}-error`} data-testid={`${id()}-error`}>
            {message()}
          </p>
        )}
      </Show>
    </div>
  );
}

function NoteField(props: { prefix: string }) {
  return (
    <div class="field">
      <label for={`${props.prefix}-note`}>
        Note for our staff<span class="muted"> (optional)</span>
      </label>
      <textarea id={`${props.prefix}-note`} name="note" class="textarea" rows={3} maxlength={2000} />
    </div>
  );
}

const text = (data: FormData, name: string) => String(data.get(name) ?? '').trim();

function BankForm(props: { onSent: () => void }) {
  const s = createFormState('bank');
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (s.submitting()) return;
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const accountHolder = text(data, 'accountHolder');
    const iban = text(data, 'iban');
    const bic = text(data, 'bic');
    const note = text(data, 'note');
    const missing = !accountHolder ? 'accountHolder' : !iban ? 'iban' : null;
    if (missing) {
      s.setIssues([{ path: missing, message: missing === 'iban' ? 'Enter the IBAN.' : 'Enter the account holder.' }]);
      s.setGeneral('Please correct the marked field.');
      form.querySelector<HTMLElement>(`#bank-${missing}`)?.focus();
      return;
    }
    s.setSubmitting(true);
    s.reset();
    try {
      await guard(
        trpc.changeRequests.create.mutate({
          kind: 'bank-details',
          bankDetails: { accountHolder, iban, ...(bic ? { bic } : {}) },
          ...(note ? { note } : {}),
        }),
      );
      form.reset();
      props.onSent();
    } catch (err) {
      s.fail(err, BANK_FIELDS, form);
    } finally {
      s.setSubmitting(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="bank-form-title">
      <h2 id="bank-form-title">Change bank details</h2>
      <form class="form" onSubmit={(e) => void submit(e)} novalidate data-testid="bank-form">
        <FormError id="bank-error" message={s.general()} />
        <Field
          prefix="bank"
          name="accountHolder"
          label="Account holder"
          maxlength={140}
          error={s.forField('accountHolder')}
        />
        <Field
          prefix="bank"
          name="iban"
          label="IBAN"
          maxlength={42}
          inputClass="mono"
          hint="With or without spaces, e.g. DE89 3704 0044 0532 0130 00."
          error={s.forField('iban')}
        />
        <Field
          prefix="bank"
          name="bic"
          label="BIC"
          maxlength={11}
          optional
          inputClass="mono"
          class="field-narrow"
          error={s.forField('bic')}
        />
        <NoteField prefix="bank" />
        <div class="button-row">
          <button
            type="submit"
            class="button button-primary"
            data-testid="bank-submit"
            disabled={s.submitting()}
            aria-busy={s.submitting()}
          >
            Request the change
          </button>
        </div>
      </form>
    </section>
  );
}

function AddressForm(props: { onSent: () => void }) {
  const s = createFormState('address');
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (s.submitting()) return;
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const address = {
      street: text(data, 'street'),
      postalCode: text(data, 'postalCode'),
      city: text(data, 'city'),
      country: text(data, 'country').toUpperCase(),
    };
    const note = text(data, 'note');
    const missing = ADDRESS_FIELDS.find((f) => !address[f]);
    if (missing) {
      s.setIssues([{ path: missing, message: `Enter the ${FIELD_LABELS[missing]?.toLowerCase()}.` }]);
      s.setGeneral('Please correct the marked field.');
      form.querySelector<HTMLElement>(`#address-${missing}`)?.focus();
      return;
    }
    s.setSubmitting(true);
    s.reset();
    try {
      await guard(trpc.changeRequests.create.mutate({ kind: 'address', address, ...(note ? { note } : {}) }));
      form.reset();
      props.onSent();
    } catch (err) {
      s.fail(err, ADDRESS_FIELDS, form);
    } finally {
      s.setSubmitting(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="address-form-title">
      <h2 id="address-form-title">Change address</h2>
      <form class="form" onSubmit={(e) => void submit(e)} novalidate data-testid="address-form">
        <FormError id="address-error" message={s.general()} />
        <Field
          prefix="address"
          name="street"
          label="Street and number"
          maxlength={200}
          autocomplete="street-address"
          error={s.forField('street')}
        />
        <div class="field-pair">
          <Field
            prefix="address"
            name="postalCode"
            label="Postal code"
            maxlength={20}
            autocomplete="postal-code"
            error={s.forField('postalCode')}
          />
          <Field
            prefix="address"
            name="city"
            label="City"
            maxlength={100}
            autocomplete="address-level2"
            error={s.forField('city')}
          />
        </div>
        <Field
          prefix="address"
          name="country"
          label="Country code"
          maxlength={2}
          class="field-narrow"
          autocomplete="country"
          hint="Two letters: DE, FR, GB…"
          error={s.forField('country')}
        />
        <NoteField prefix="address" />
        <div class="button-row">
          <button
            type="submit"
            class="button button-primary"
            data-testid="address-submit"
            disabled={s.submitting()}
            aria-busy={s.submitting()}
          >
            Request the change
          </button>
        </div>
      </form>
    </section>
  );
}
