import { useRef, useState, type FormEvent } from 'react';
import { call } from '../api';
import type { FieldErrors, Person, ProjectConfig, SettingsView } from '../../../../src/contract';
import { ApproverPicker } from './approver-picker';
import { nextStep, Notice } from '../components/states';
import {
  fieldLabel,
  fromDraft,
  KOSLI_REGIONS,
  toDraft,
  type AppDraft,
  type ConfigDraft,
  type HostChoice,
} from './config-draft';
import { CheckboxField, describedBy, errorFor, FieldError, fieldId, TextField } from './fields';
import { GatePoliciesFieldset } from './gate-policies-fieldset';
import { Forbidden } from './forbidden';
import { useAction } from '../use-load';

const EMPTY_APP: AppDraft = { name: '', path: '', buildFlow: '', templateName: '' };

export function ConfigForm({
  projectKey,
  config,
  approvers,
  onSaved,
}: {
  projectKey: string;
  config: ProjectConfig;
  approvers: Person[];
  onSaved: (view: SettingsView) => void;
}) {
  const [draft, setDraft] = useState<ConfigDraft>(() => toDraft(config));
  const [errors, setErrors] = useState<FieldErrors>({});
  /** The form was refused, by its own check or by the server's, and shows which fields to fix. */
  const [invalid, setInvalid] = useState(false);

  const set = <K extends keyof ConfigDraft>(key: K, value: ConfigDraft[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));
  const setApp = (index: number, field: keyof AppDraft, value: string) =>
    set(
      'apps',
      draft.apps.map((app, i) => (i === index ? { ...app, [field]: value } : app)),
    );

  const failedNotice = useRef<HTMLDivElement>(null);
  // After a save that did not happen, focus goes where the reader must act: the first field in
  // error, or the failure itself; never back to the top of the page.
  const refused = (fields: FieldErrors) => {
    setErrors(fields);
    setInvalid(true);
    const first = Object.keys(fields)[0];
    if (first) setTimeout(() => focusField(first), 0);
  };

  const saving = useAction(
    (checked: ProjectConfig) => call('settings/save', { projectKey, config: checked }),
    (view) => {
      setErrors({});
      setDraft(toDraft(view.config));
      onSaved(view);
    },
    (failure) => {
      const fields = failure.code === 'INVALID_INPUT' ? failure.fieldErrors : {};
      if (Object.keys(fields).length > 0) {
        refused(fields);
      } else {
        setErrors({});
        setTimeout(() => failedNotice.current?.focus(), 0);
      }
    },
  );
  const outcome = saving.state;

  const save = (event: FormEvent) => {
    event.preventDefault();
    const converted = fromDraft(draft);
    if (!converted.ok) {
      saving.reset();
      refused(converted.errors);
      return;
    }
    setInvalid(false);
    void saving.run(converted.config);
  };

  const text = (path: string, label: string, value: string, onChange: (value: string) => void, hint?: string) => (
    <TextField path={path} label={label} value={value} onChange={onChange} errors={errors} hint={hint} />
  );
  const hostError = errorFor(errors, 'kosli.host');
  const approversError = errorFor(errors, 'approval.approvers', true);
  const countError = errorFor(errors, 'approval.rule.count') ?? errorFor(errors, 'approval.rule');

  return (
    <form className="settings-form" onSubmit={save} noValidate aria-label={`Configuration of ${projectKey}`}>
      {invalid && <ErrorSummary errors={errors} />}

      <fieldset>
        <legend>Kosli</legend>
        <div className="field">
          <label htmlFor={fieldId('kosli.host')}>Kosli host</label>
          <select
            {...describedBy('kosli.host', hostError)}
            value={draft.hostChoice}
            onChange={(event) => set('hostChoice', hostChoice(event.target.value))}
          >
            <option value="eu">EU ({KOSLI_REGIONS.eu})</option>
            <option value="us">US ({KOSLI_REGIONS.us})</option>
            <option value="custom">Custom…</option>
          </select>
          {draft.hostChoice === 'custom' && (
            <input
              aria-label="Custom Kosli host URL"
              className="field-extra"
              value={draft.customHost}
              placeholder="https://kosli.example.com"
              onChange={(event) => set('customHost', event.target.value)}
              aria-invalid={hostError ? true : undefined}
              aria-describedby={hostError ? `${fieldId('kosli.host')}-error` : undefined}
            />
          )}
          <FieldError path="kosli.host" error={hostError} />
        </div>
        {text('kosli.org', 'Organisation', draft.org, (value) => set('org', value))}
        <div className="field-row" role="group" aria-labelledby="environments-label">
          <p id="environments-label" className="group-label">
            Environments
          </p>
          {text('kosli.environments.dev', 'Dev', draft.environments.dev, (value) =>
            set('environments', { ...draft.environments, dev: value }),
          )}
          {text('kosli.environments.staging', 'Staging', draft.environments.staging, (value) =>
            set('environments', { ...draft.environments, staging: value }),
          )}
          {text('kosli.environments.prod', 'Prod', draft.environments.prod, (value) =>
            set('environments', { ...draft.environments, prod: value }),
          )}
        </div>
        <FieldError path="kosli.environments" error={errorFor(errors, 'kosli.environments')} />
        <div className="field-row">
          {text(
            'kosli.sourceFlow',
            'Source flow',
            draft.sourceFlow,
            (value) => set('sourceFlow', value),
            'One trail per commit on main, with jira and pull_request attestations.',
          )}
          {text(
            'kosli.releaseFlow',
            'Release flow',
            draft.releaseFlow,
            (value) => set('releaseFlow', value),
            'One trail per Jira version.',
          )}
        </div>
      </fieldset>

      <fieldset>
        <legend>Apps</legend>
        <table className="table apps-table">
          <thead>
            <tr>
              <th scope="col">Name (as in snapshots)</th>
              <th scope="col">Path in the repository</th>
              <th scope="col">Build flow</th>
              <th scope="col">Template artifact name</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {draft.apps.map((app, index) => (
              <tr key={index}>
                {(['name', 'path', 'buildFlow', 'templateName'] as const).map((field) => {
                  const path = `apps.${index}.${field}`;
                  const error = errorFor(errors, path);
                  return (
                    <td key={field}>
                      <input
                        {...describedBy(path, error)}
                        aria-label={fieldLabel(path)}
                        value={app[field]}
                        onChange={(event) => setApp(index, field, event.target.value)}
                        autoComplete="off"
                        spellCheck={false}
                      />
                      <FieldError path={path} error={error} />
                    </td>
                  );
                })}
                <td>
                  <button
                    type="button"
                    className="button button-subtle"
                    aria-label={`Remove app ${index + 1}${app.name ? ` (${app.name})` : ''}`}
                    onClick={() =>
                      set(
                        'apps',
                        draft.apps.filter((_, i) => i !== index),
                      )
                    }
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <FieldError path="apps" error={errorFor(errors, 'apps')} />
        <button type="button" className="button" onClick={() => set('apps', [...draft.apps, { ...EMPTY_APP }])}>
          Add app
        </button>
      </fieldset>

      <fieldset>
        <legend>GitHub</legend>
        <div className="field-row">
          {text('github.owner', 'Owner', draft.github.owner, (value) =>
            set('github', { ...draft.github, owner: value }),
          )}
          {text('github.repo', 'Repository', draft.github.repo, (value) =>
            set('github', { ...draft.github, repo: value }),
          )}
          {text('github.ref', 'Ref', draft.github.ref, (value) => set('github', { ...draft.github, ref: value }))}
        </div>
        <div className="field-row">
          {text('github.stagingWorkflow', 'Staging workflow file', draft.github.stagingWorkflow, (value) =>
            set('github', { ...draft.github, stagingWorkflow: value }),
          )}
          {text('github.prodWorkflow', 'Prod workflow file', draft.github.prodWorkflow, (value) =>
            set('github', { ...draft.github, prodWorkflow: value }),
          )}
          {text(
            'github.tagPattern',
            'Tag pattern',
            draft.github.tagPattern,
            (value) => set('github', { ...draft.github, tagPattern: value }),
            'Must contain {env} and {app}, e.g. running-{env}-{app}.',
          )}
        </div>
      </fieldset>

      <fieldset>
        <legend>Approval policy</legend>
        <ApproverPicker
          projectKey={projectKey}
          value={draft.approvers}
          known={approvers}
          error={approversError}
          onChange={(value) => set('approvers', value)}
        />
        <CheckboxField
          path="approval.includeJiraApprovers"
          label="Count the Jira version's release approvers as required approvers"
          checked={draft.includeJiraApprovers}
          onChange={(checked) => set('includeJiraApprovers', checked)}
          errors={errors}
        />
        <div className="field" role="radiogroup" aria-labelledby="rule-label">
          <p id="rule-label" className="group-label">
            Rule
          </p>
          <div className="radio">
            <input
              id="rule-all"
              type="radio"
              name="rule"
              value="all"
              checked={draft.ruleKind === 'all'}
              onChange={() => set('ruleKind', 'all')}
            />
            <label htmlFor="rule-all">All required approvers</label>
          </div>
          <div className="radio">
            <input
              id="rule-at-least"
              type="radio"
              name="rule"
              value="atLeast"
              checked={draft.ruleKind === 'atLeast'}
              onChange={() => set('ruleKind', 'atLeast')}
            />
            <label htmlFor="rule-at-least">At least</label>
            <input
              {...describedBy('approval.rule.count', countError)}
              aria-label="Number of approvals required"
              className="input-narrow"
              inputMode="numeric"
              value={draft.ruleCount}
              disabled={draft.ruleKind !== 'atLeast'}
              onChange={(event) => set('ruleCount', event.target.value)}
            />
            <span>of them</span>
          </div>
          <FieldError path="approval.rule.count" error={countError} />
        </div>
        <CheckboxField
          path="approval.noSelfApproval"
          label="No self-approval: nobody who committed to a release may approve it"
          checked={draft.noSelfApproval}
          onChange={(checked) => set('noSelfApproval', checked)}
          errors={errors}
        />
      </fieldset>

      <fieldset>
        <legend>Releases</legend>
        <div className="field-row">
          {text(
            'release.namePattern',
            'Name pattern (UTC)',
            draft.namePattern,
            (value) => set('namePattern', value),
            'Tokens YYYY MM DD HH mm ss, e.g. YYYY-MM-DD-HH-mm-ss.',
          )}
          {text(
            'release.firstReleaseCommitLimit',
            'First-release commit limit',
            draft.firstReleaseCommitLimit,
            (value) => set('firstReleaseCommitLimit', value),
            "How much history an app's first release lists.",
          )}
        </div>
        <CheckboxField
          path="release.refreshOnSchedule"
          label="Refresh the open candidate on the scheduled check"
          checked={draft.refreshOnSchedule}
          onChange={(checked) => set('refreshOnSchedule', checked)}
          errors={errors}
        />
      </fieldset>

      <GatePoliciesFieldset draft={draft} set={set} errors={errors} />

      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={outcome.status === 'running'}>
          {outcome.status === 'running' ? 'Saving…' : 'Save settings'}
        </button>
      </div>
      {outcome.status === 'done' && (
        <Notice appearance="success">
          <p>Settings saved. Run "Check connection" below to confirm they reach Kosli, GitHub and Jira.</p>
        </Notice>
      )}
      {outcome.status === 'failed' && !invalid && (
        <div ref={failedNotice} tabIndex={-1}>
          {outcome.error.code === 'FORBIDDEN' ? (
            <Forbidden />
          ) : (
            <Notice appearance="error" title="The settings were not saved">
              <p>{outcome.error.message}</p>
              <p>{nextStep(outcome.error)}</p>
            </Notice>
          )}
        </div>
      )}
    </form>
  );
}

function hostChoice(value: string): HostChoice {
  return value === 'eu' || value === 'us' ? value : 'custom';
}

/** Lists every problem at the top, each a button that moves focus to its field. */
function ErrorSummary({ errors }: { errors: FieldErrors }) {
  const entries = Object.entries(errors);
  return (
    <Notice
      appearance="error"
      title={`Nothing was saved: ${entries.length === 1 ? '1 setting needs' : `${entries.length} settings need`} attention`}
    >
      <ul>
        {entries.map(([path, message]) => (
          <li key={path}>
            <button type="button" className="link-button" onClick={() => focusField(path)}>
              {fieldLabel(path)}
            </button>
            : {message}
          </li>
        ))}
      </ul>
    </Notice>
  );
}

function focusField(path: string): void {
  // Errors on a group or an approver's id point at the group's first input.
  const candidates = [path, path.replace(/\.\d+$/, ''), `${path}.dev`];
  for (const candidate of candidates) {
    const element = document.getElementById(fieldId(candidate));
    if (element) {
      element.focus();
      return;
    }
  }
}
