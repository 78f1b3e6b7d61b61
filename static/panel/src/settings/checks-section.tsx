import { call } from '../api';
import type { ConnectionCheck } from '../../../../src/contract';
import { Notice, nextStep } from '../components/states';
import { useAction, type ActionState } from '../use-load';
import { Forbidden } from './forbidden';

/** Live checks of the saved settings, and the one-off creation of what Kosli needs. */
export function ChecksSection({ projectKey }: { projectKey: string }) {
  const check = useAction(async () => (await call('settings/check', { projectKey })).checks);
  const setup = useAction(async () => (await call('settings/setup-kosli', { projectKey })).steps);

  return (
    <section aria-labelledby="checks-heading" className="section">
      <h2 id="checks-heading">Connection</h2>
      <p className="subtle">Checks the saved settings against Kosli, GitHub and Jira. Save your changes first.</p>
      <div className="button-row">
        <button type="button" className="button" onClick={check.run} disabled={check.state.status === 'running'}>
          {check.state.status === 'running' ? 'Checking…' : 'Check connection'}
        </button>
        <button type="button" className="button" onClick={setup.run} disabled={setup.state.status === 'running'}>
          {setup.state.status === 'running' ? 'Setting up…' : 'Set up Kosli'}
        </button>
      </div>
      <p className="hint">
        Set up Kosli creates the flows, environments and attestation types these settings name, where they are missing.
      </p>
      <Outcome state={check.state} title="Connection check" />
      <Outcome state={setup.state} title="Kosli setup" />
    </section>
  );
}

function Outcome({ state, title }: { state: ActionState<ConnectionCheck[]>; title: string }) {
  if (state.status === 'failed') {
    if (state.error.code === 'FORBIDDEN') return <Forbidden />;
    return (
      <Notice appearance="error" title={`${title} could not run`}>
        <p>{state.error.message}</p>
        <p>{nextStep(state.error)}</p>
      </Notice>
    );
  }
  if (state.status !== 'done') return null;
  const failed = state.result.filter((item) => !item.ok).length;
  return (
    <div className="checks">
      <h3>
        {title}: {failed === 0 ? 'all good' : `${failed} of ${state.result.length} failed`}
      </h3>
      <ul className="check-list" aria-label={title}>
        {/* Failures first: they are what the admin came to fix. */}
        {[...state.result]
          .sort((a, b) => Number(a.ok) - Number(b.ok))
          .map((item) => (
            <li key={item.id} className={item.ok ? 'check check-ok' : 'check check-fail'}>
              <span className="check-mark" aria-hidden="true">
                {item.ok ? '✓' : '✕'}
              </span>
              <span className="visually-hidden">{item.ok ? 'OK: ' : 'Failed: '}</span>
              <strong>{item.label}</strong> — {item.message}
            </li>
          ))}
      </ul>
    </div>
  );
}
