import type { ReactNode } from 'react';
import type { UiError, UiErrorCode } from '../api';

export function Loading({ label }: { label: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** What the reader can do next, by error code; the message itself comes from the backend. */
const NEXT_STEP: Partial<Record<UiErrorCode, string>> = {
  NOT_CONFIGURED: 'A Jira administrator must configure the app in Jira settings → Apps → Kosli Release Gate.',
  FORBIDDEN: 'Ask a Jira administrator if you need access.',
  NOT_FOUND: 'Go back to the releases overview: the release may have been removed or belong to another project.',
  UPSTREAM_AUTH: 'A token was refused. A Jira administrator should run "Check connection" in the app settings.',
  UPSTREAM_NOT_FOUND:
    'Something the settings point at does not exist. A Jira administrator should run "Check connection" in the app settings.',
  UPSTREAM_UNAVAILABLE: 'A service the app relies on did not answer. Try again in a minute.',
  UPSTREAM_RATE_LIMITED: 'A service the app relies on asked us to slow down. Try again in a minute.',
  UNREACHABLE: 'Check your connection, then try again.',
  DEPLOY_IN_PROGRESS: 'Another deploy step is running. Try again when it finishes.',
  CONFLICT: 'Someone else changed this at the same time. Try again.',
};

export function nextStep(error: UiError): string {
  return NEXT_STEP[error.code] ?? 'Try again. If it keeps failing, tell your Jira administrator.';
}

export function ErrorState({ title, error, onRetry }: { title: string; error: UiError; onRetry?: () => void }) {
  return (
    <Notice appearance="error" title={title}>
      <p>{error.message}</p>
      <p>{nextStep(error)}</p>
      {onRetry && (
        <p>
          <button type="button" className="button" onClick={onRetry}>
            Try again
          </button>
        </p>
      )}
    </Notice>
  );
}

export function Notice({
  appearance,
  title,
  children,
}: {
  appearance: 'info' | 'warning' | 'error' | 'success';
  title?: string;
  children: ReactNode;
}) {
  return (
    <div className={`notice notice-${appearance}`} role={appearance === 'error' ? 'alert' : 'status'}>
      {title && <p className="notice-title">{title}</p>}
      {children}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}
