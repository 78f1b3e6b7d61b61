import { useState, type FormEvent } from 'react';
import { call } from '../api';
import type { SecretName, SecretStatus, SettingsView } from '../../../../src/contract';
import { nextStep, Notice } from '../components/states';
import { formatTime } from '../format';
import { useAction } from '../use-load';
import { Forbidden } from './forbidden';

const SECRETS: { name: SecretName; label: string; hint: string }[] = [
  {
    name: 'kosliToken',
    label: 'Kosli API token',
    hint: 'A Kosli service-account key with read and attest rights in the organisation.',
  },
  {
    name: 'githubToken',
    label: 'GitHub token',
    hint: 'A token that may read the repository and dispatch its workflows (actions: write).',
  },
];

/** Tokens go in, never out: the page only ever learns whether one is set, from where and when. */
export function SecretsSection({
  projectKey,
  secrets,
  onChange,
}: {
  projectKey: string;
  secrets: SettingsView['secrets'];
  onChange: (view: SettingsView) => void;
}) {
  return (
    <section aria-labelledby="secrets-heading" className="section">
      <h2 id="secrets-heading">Secrets</h2>
      <p className="subtle">
        Stored encrypted on the server (Forge <code>kvs.setSecret</code>) and never shown again. A token entered here is
        used for this project instead of the app-wide encrypted Forge variable (
        <code>forge variables set --encrypt</code>); clear it to fall back to the variable.
      </p>
      {SECRETS.map((secret) => (
        <SecretRow
          key={secret.name}
          projectKey={projectKey}
          {...secret}
          status={secrets[secret.name]}
          onChange={onChange}
        />
      ))}
    </section>
  );
}

export function describeSecret(status: SecretStatus): string {
  if (!status.set) return 'Not set';
  if (status.source === 'forge-variable') return 'Set (forge variable)';
  return status.updatedAt ? `Set, updated ${formatTime(status.updatedAt)}` : 'Set';
}

function SecretRow({
  projectKey,
  name,
  label,
  hint,
  status,
  onChange,
}: {
  projectKey: string;
  name: SecretName;
  label: string;
  hint: string;
  status: SecretStatus;
  onChange: (view: SettingsView) => void;
}) {
  const [value, setValue] = useState('');
  const sending = useAction(
    (next: string | null) => call('settings/secret', { projectKey, name, value: next }),
    (view) => {
      setValue('');
      onChange(view);
    },
  );
  const outcome = sending.state;
  const busy = outcome.status === 'running';
  const inputId = `secret-${name}`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim()) void sending.run(value.trim());
  };

  return (
    <form className="secret" onSubmit={submit} aria-label={label}>
      <div className="secret-head">
        <strong>{label}</strong>{' '}
        <span className={status.set ? 'secret-status secret-set' : 'secret-status'} data-testid={`${name}-status`}>
          {describeSecret(status)}
        </span>
      </div>
      <div className="field">
        <label htmlFor={inputId}>{status.set ? `Replace the ${label}` : `Set the ${label}`}</label>
        <div className="inline-controls">
          <input
            id={inputId}
            type="password"
            autoComplete="new-password"
            spellCheck={false}
            value={value}
            onChange={(event) => setValue(event.target.value)}
            aria-describedby={`${inputId}-hint`}
          />
          <button type="submit" className="button" disabled={busy || !value.trim()}>
            {status.set ? 'Replace' : 'Save'}
          </button>
          {status.set && status.source === 'settings' && (
            <button
              type="button"
              className="button button-subtle"
              disabled={busy}
              onClick={() => void sending.run(null)}
            >
              Clear
            </button>
          )}
        </div>
        <p id={`${inputId}-hint`} className="hint">
          {hint}
        </p>
      </div>
      {outcome.status === 'done' && (
        <p className="success-text">{outcome.args[0] === null ? `${label} cleared.` : `${label} saved.`}</p>
      )}
      {outcome.status === 'failed' &&
        (outcome.error.code === 'FORBIDDEN' ? (
          <Forbidden />
        ) : (
          <Notice appearance="error" title={`The ${label} was not changed`}>
            <p>{outcome.error.message}</p>
            <p>{nextStep(outcome.error)}</p>
          </Notice>
        ))}
    </form>
  );
}
