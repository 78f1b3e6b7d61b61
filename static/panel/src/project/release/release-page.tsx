import { call } from '../../api';
import type { ReleaseView } from '../../../../../src/contract';
import { RouteLink } from '../../components/links';
import { ErrorState, Loading, Notice } from '../../components/states';
import { routePath } from '../../routes';
import { useLoad } from '../../use-load';
import { ApprovalsSection } from './approvals-section';
import { ArtifactsSection } from './artifacts-section';
import { AuditSection } from './audit-section';
import { DeploySection } from './deploy-section';
import { EnvironmentsSection } from './environments-section';
import { ExportsSection } from './exports-section';
import { ReleaseHeader } from './release-header';
import { IssuesSection } from './issues-section';

/** One release: what it ships, where it runs, who approved it and how its deploy went. One invoke. */
export function ReleasePage({ versionId }: { versionId: string }) {
  const { state, reload, replace } = useLoad(() => call('release/get', { versionId }), [versionId]);

  if (state.status === 'loading') return <Loading label="Loading release…" />;
  if (state.status === 'failed') {
    return (
      <>
        <Breadcrumbs name={null} />
        <ErrorState title="This release could not be loaded" error={state.error} onRetry={reload} />
      </>
    );
  }
  return <ReleaseContent release={state.data} onUpdate={replace} onReload={reload} />;
}

export function ReleaseContent({ release, onUpdate, onReload }: { release: ReleaseView; onUpdate: (release: ReleaseView) => void; onReload: () => void }) {
  const drifted = release.environments.filter((row) => row.stagingDiffersFromCandidate).map((row) => row.app);
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
      {drifted.length > 0 && (release.state === 'open' || release.state === 'approved') && (
        <Notice appearance="warning" title="Staging no longer runs this candidate">
          <p>
            Staging now runs something else for {drifted.join(', ')}. A developer should refresh the candidate so that what you
            approve is what runs in staging.
          </p>
        </Notice>
      )}
      <ArtifactsSection artifacts={release.artifacts} />
      <EnvironmentsSection rows={release.environments} />
      <IssuesSection issues={release.issues} missingKeys={release.missingKeys} untracked={release.untracked} />
      <ApprovalsSection release={release} onUpdate={onUpdate} onReload={onReload} />
      <DeploySection release={release} onUpdate={onUpdate} />
      <AuditSection audit={release.audit} />
      <ExportsSection versionId={release.versionId} />
    </article>
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
