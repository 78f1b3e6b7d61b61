import { useEffect, useState, type MouseEvent } from 'react';
import { call } from '../../api';
import type { ReleaseView } from '../../../../../src/contract';
import { RouteLink } from '../../components/links';
import { ErrorState, Loading, Notice } from '../../components/states';
import { routePath } from '../../routes';
import { useLoad } from '../../use-load';
import { ApprovalsSection } from './approvals-section';
import { CompositionSection, FixVersionsProgress } from './composition-section';
import { ArtifactsSection } from './artifacts-section';
import { AuditSection } from './audit-section';
import { DecisionPanel } from './decision-panel';
import { DeploySection } from './deploy-section';
import { EnvironmentsSection } from './environments-section';
import { ExportsSection } from './exports-section';
import { ReleaseGateSection } from './release-gate-section';
import { ReleaseHeader } from './release-header';
import { IssuesSection } from './issues-section';

/** While the deploy moves, the page asks again this often; it stops once the release settles. */
const POLL_MS = 3000;
/** While fix versions are written (minutes for a large candidate), a slower look: each one reads every issue. */
const FIX_VERSIONS_POLL_MS = 10_000;

/** One release: what it ships, where it runs, who approved it and how its deploy went. One invoke. */
export function ReleasePage({ versionId }: { versionId: string }) {
  const { state, reload, replace } = useLoad(() => call('release/get', { versionId }), [versionId]);
  const poll = state.status === 'ready' ? pollInterval(state.data) : null;
  const now = useNow(poll === POLL_MS);

  useEffect(() => {
    if (poll === null) return;
    const timer = setInterval(reload, poll);
    return () => clearInterval(timer);
  }, [poll, reload]);

  if (state.status === 'loading') return <Loading label="Loading release…" />;
  if (state.status === 'failed') {
    return (
      <>
        <Breadcrumbs name={null} />
        <ErrorState title="This release could not be loaded" error={state.error} onRetry={reload} />
      </>
    );
  }
  return <ReleaseContent release={state.data} onUpdate={replace} onReload={reload} now={now} />;
}

/** How often to look again: while it is composed or deploying (the worker is at it), while fix versions are written; else never. */
function pollInterval(release: ReleaseView): number | null {
  const moving =
    release.state === 'approved' ||
    release.state === 'deploying' ||
    (release.state === 'open' && release.approvals.satisfied);
  if (release.composition || moving) return POLL_MS;
  return release.fixVersions.pending > 0 ? FIX_VERSIONS_POLL_MS : null;
}

/** The current time, ticking every second while `ticking` (for elapsed times). */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

export function ReleaseContent({
  release,
  onUpdate,
  onReload,
  now = Date.now(),
}: {
  release: ReleaseView;
  onUpdate: (release: ReleaseView) => void;
  onReload: () => void;
  now?: number;
}) {
  if (release.composition) {
    // Nothing to decide on yet: the content is not recorded.
    return (
      <article className="release" aria-label={`Release ${release.name}`}>
        <Breadcrumbs name={release.name} />
        <ReleaseHeader release={release} />
        <CompositionSection composition={release.composition} />
        <EnvironmentsSection rows={release.environments} />
        <AuditSection versionId={release.versionId} audit={release.audit} more={release.more.audit} />
      </article>
    );
  }
  return (
    <article className="release" aria-label={`Release ${release.name}`}>
      <Breadcrumbs name={release.name} />
      <ReleaseHeader release={release} />
      {release.warnings.length > 0 && (
        <Notice appearance="warning" title="Part of this page could not be read">
          <ul>
            {release.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
          <p>The rest is current. Reload the page in a minute to try again.</p>
        </Notice>
      )}
      <FixVersionsProgress release={release} />
      <DecisionPanel release={release} onUpdate={onUpdate} onReload={onReload} now={now} />
      <ReleaseGateSection release={release} onUpdate={onUpdate} />
      <ArtifactsSection artifacts={release.artifacts} />
      <IssuesSection
        versionId={release.versionId}
        issues={release.issues}
        issueCount={release.issueCount}
        more={release.more.issues}
        missingKeys={release.missingKeys}
        untracked={release.untracked}
      />
      <ApprovalsSection release={release} />
      <DeploySection release={release} />
      <EnvironmentsSection rows={release.environments} />
      <AuditSection versionId={release.versionId} audit={release.audit} more={release.more.audit} />
      <ExportsSection versionId={release.versionId} />
    </article>
  );
}

/** The first stop for keyboard users on a release page: straight to the verdict and its buttons. */
export function SkipToDecision() {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    const target = document.getElementById('decision-heading');
    target?.focus();
    target?.scrollIntoView({ block: 'start' });
  };
  return (
    <a href="#decision" className="skip-link" onClick={onClick}>
      Skip to the decision
    </a>
  );
}

function Breadcrumbs({ name }: { name: string | null }) {
  return (
    <nav aria-label="Breadcrumbs" className="breadcrumbs">
      <ol>
        <li>
          <RouteLink to={routePath({ name: 'overview' })}>Releases</RouteLink>
        </li>
        {name && <li aria-current="page">{name}</li>}
      </ol>
    </nav>
  );
}
