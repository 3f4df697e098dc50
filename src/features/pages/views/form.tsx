/** @module Form parts: labelled fields whose errors sit next to them, the error summary, hidden state. */
import type { FC } from 'hono/jsx';

/** Field errors by field id; `form` is an error about the whole form (shown in the summary only). */
export type FormErrors = Partial<Record<string, string>>;

export function hasErrors(errors: FormErrors | undefined): boolean {
  return errors !== undefined && Object.values(errors).some((message) => message !== undefined);
}

export interface FieldProps {
  id: string;
  label: string;
  type: 'email' | 'password' | 'text';
  autocomplete: string;
  value?: string | undefined;
  hint?: string;
  error?: string | undefined;
  /** e.g. `numeric` for a mailed code, so phones offer digits. */
  inputmode?: 'numeric';
}

/** A label, an optional hint, the error (when any) and the input described by both. */
export const Field: FC<FieldProps> = ({ id, label, type, autocomplete, value, hint, error, inputmode }) => {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint ? (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      ) : null}
      <input
        class="input"
        id={id}
        name={id}
        type={type}
        autocomplete={autocomplete}
        value={value}
        inputmode={inputmode}
        spellcheck={type === 'email' ? false : undefined}
        autocapitalize={type === 'email' ? 'none' : undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy === '' ? undefined : describedBy}
      />
    </div>
  );
};

/** The email address field of every form that asks for one. */
export const EmailField: FC<{ value?: string | undefined; error?: string | undefined }> = ({
  value,
  error,
}) => (
  <Field id="email" label="Email address" type="email" autocomplete="email" value={value} error={error} />
);

/**
 * The list of what went wrong, at the top of the form, each linking to its field. `role="alert"`
 * makes screen readers announce it when the page comes back with errors.
 */
export const ErrorSummary: FC<{ errors: FormErrors | undefined; order: string[] }> = ({ errors, order }) => {
  if (!errors || !hasErrors(errors)) return null;
  const items = [...order, 'form'].flatMap((id) => {
    const message = errors[id];
    return message === undefined ? [] : [{ id, message }];
  });
  return (
    <div class="summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">There is a problem</h2>
      <ul>
        {items.map((item) =>
          item.id === 'form' ? (
            <li>{item.message}</li>
          ) : (
            <li>
              <a href={`#${item.id}`}>{item.message}</a>
            </li>
          ),
        )}
      </ul>
    </div>
  );
};

/** The CSRF token and the continuation of the flow (`next`), carried by every form. */
export const FormState: FC<{ csrf: string; next?: string | null | undefined }> = ({ csrf, next }) => (
  <>
    <input type="hidden" name="csrf" value={csrf} />
    {next ? <input type="hidden" name="next" value={next} /> : null}
  </>
);
