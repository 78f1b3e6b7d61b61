import type { ReactNode } from 'react';
import type { FieldErrors } from '../../../../src/contract';

/** DOM id of the input for a config path ("apps.1.path" → "field-apps-1-path"). */
export function fieldId(path: string): string {
  return `field-${path.replaceAll('.', '-')}`;
}

/** The messages for a path and, with `nested`, for everything under it (approvers' ids). */
export function errorFor(errors: FieldErrors, path: string, nested = false): string | null {
  const messages = Object.entries(errors)
    .filter(([key]) => key === path || (nested && key.startsWith(`${path}.`)))
    .map(([, message]) => message);
  return messages.length > 0 ? [...new Set(messages)].join(' ') : null;
}

/** Attributes tying an input to its error and hint, for screen readers. */
export function describedBy(path: string, error: string | null, hint?: boolean) {
  const ids = [error ? `${fieldId(path)}-error` : null, hint ? `${fieldId(path)}-hint` : null]
    .filter(Boolean)
    .join(' ');
  return { id: fieldId(path), 'aria-invalid': error ? true : undefined, 'aria-describedby': ids || undefined };
}

export function FieldError({ path, error }: { path: string; error: string | null }) {
  if (!error) return null;
  return (
    <p id={`${fieldId(path)}-error`} className="field-error">
      {error}
    </p>
  );
}

export function TextField({
  path,
  label,
  value,
  onChange,
  errors,
  hint,
  placeholder,
}: {
  path: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors: FieldErrors;
  hint?: ReactNode;
  placeholder?: string;
}) {
  const error = errorFor(errors, path);
  return (
    <div className="field">
      <label htmlFor={fieldId(path)}>{label}</label>
      <input
        {...describedBy(path, error, hint !== undefined)}
        value={value}
        placeholder={placeholder}
        onChange={(event) => onChange(event.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
      {hint !== undefined && (
        <p id={`${fieldId(path)}-hint`} className="hint">
          {hint}
        </p>
      )}
      <FieldError path={path} error={error} />
    </div>
  );
}

export function CheckboxField({
  path,
  label,
  checked,
  onChange,
  errors,
}: {
  path: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  errors: FieldErrors;
}) {
  const error = errorFor(errors, path);
  return (
    <div className="field field-checkbox">
      <input
        type="checkbox"
        {...describedBy(path, error)}
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
      />
      <label htmlFor={fieldId(path)}>{label}</label>
      <FieldError path={path} error={error} />
    </div>
  );
}
