import type { ReleaseView } from '../../../../../src/contract';
import { CopyButton } from '../../components/copy-button';
import { ExternalLink } from '../../components/links';
import { ReleaseStateLozenge } from '../../components/lozenge';
import { formatDate } from '../../format';
import { displayState } from './verdict';

export function ReleaseHeader({ release }: { release: ReleaseView }) {
  return (
    <header className="page-header">
      <div className="title-row">
        <h1>{release.name}</h1>
        <ReleaseStateLozenge state={displayState(release.state, release.approvals.progress.declinedBy.length > 0)} />
      </div>
      <p className="meta">
        <ExternalLink href={release.jiraUrl}>Jira release</ExternalLink>
        {release.kosliTrailUrl && (
          <>
            <span aria-hidden="true"> · </span>
            <ExternalLink href={release.kosliTrailUrl}>Kosli release trail</ExternalLink>
          </>
        )}
        {release.releaseDate && <span> · Released {formatDate(release.releaseDate)}</span>}
        {/* A new candidate still being composed has no content hash yet. */}
        {release.contentHash && (
          <>
            <span aria-hidden="true"> · </span>
            <span>
              Content <code title={release.contentHash}>{release.contentHash.slice(0, 12)}</code>{' '}
              <CopyButton value={release.contentHash} label="Copy the content hash" />
            </span>
          </>
        )}
      </p>
    </header>
  );
}
