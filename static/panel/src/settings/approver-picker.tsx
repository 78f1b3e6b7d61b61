import { useState, type KeyboardEvent } from 'react';
import { call } from '../api';
import type { Person } from '../../../../src/contract';
import { nextStep } from '../components/states';
import { useAction } from '../use-load';
import { parseApprovers } from './config-draft';
import { describedBy, FieldError } from './fields';

const PATH = 'approval.approvers';

/**
 * Approvers picked from Jira's people by name (or e-mail), shown by name; the draft keeps their
 * account ids, which is what the policy stores.
 */
export function ApproverPicker({
  projectKey,
  value,
  known,
  error,
  onChange,
}: {
  projectKey: string;
  value: string;
  known: Person[];
  error: string | null;
  onChange: (value: string) => void;
}) {
  const [query, setQuery] = useState('');
  const [names, setNames] = useState(() => new Map(known.map((p) => [p.accountId, p.displayName])));
  const search = useAction(async () => (await call('users/search', { projectKey, query: query.trim() })).users);
  const chosen = parseApprovers(value);

  const add = (person: Person) => {
    setNames((current) => new Map(current).set(person.accountId, person.displayName));
    if (!chosen.includes(person.accountId)) onChange([...chosen, person.accountId].join('\n'));
  };
  const remove = (accountId: string) => onChange(chosen.filter((id) => id !== accountId).join('\n'));
  const find = () => {
    if (query.trim()) void search.run();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // Enter searches here; it must not submit the settings form.
    if (event.key === 'Enter') {
      event.preventDefault();
      find();
    }
  };

  return (
    <div className="field">
      <p className="group-label" id="approvers-label">
        Approvers
      </p>
      {chosen.length === 0 ? (
        <p className="subtle">No approvers listed yet.</p>
      ) : (
        <ul className="plain-list" aria-labelledby="approvers-label">
          {chosen.map((accountId) => (
            <li key={accountId}>
              {names.get(accountId) ?? accountId}{' '}
              <button type="button" className="button button-subtle button-small" onClick={() => remove(accountId)}>
                Remove {names.get(accountId) ?? accountId}
              </button>
            </li>
          ))}
        </ul>
      )}
      <label htmlFor="field-approval-approvers">Find a person to add (name or e-mail)</label>
      <div className="inline-controls">
        <input
          {...describedBy(PATH, error)}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={onKeyDown}
          autoComplete="off"
        />
        <button type="button" className="button" onClick={find} disabled={search.state.status === 'running'}>
          {search.state.status === 'running' ? 'Finding…' : 'Find'}
        </button>
      </div>
      <FieldError path={PATH} error={error} />
      {search.state.status === 'failed' && (
        <p className="field-error" role="alert">
          {search.state.error.message} {nextStep(search.state.error)}
        </p>
      )}
      {search.state.status === 'done' &&
        (search.state.result.length === 0 ? (
          <p className="subtle" role="status">
            Nobody in Jira matches “{query.trim()}”.
          </p>
        ) : (
          <ul className="plain-list" aria-label="People found">
            {search.state.result.map((person) => (
              <li key={person.accountId}>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => add(person)}
                  disabled={chosen.includes(person.accountId)}
                >
                  Add {person.displayName}
                </button>
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}
