import { call } from '../../api';
import type { AuditEntryView } from '../../../../../src/contract';
import { formatTime } from '../../format';
import { LoadMore, usePagedList } from './load-more';

/** The latest entries first; "Load more" goes back in time. */
export function AuditSection({
  versionId,
  audit: first,
  more,
}: {
  versionId: string;
  audit: AuditEntryView[];
  more: string | null;
}) {
  const list = usePagedList(first, more, (cursor) => call('release/audit', { versionId, cursor }));
  const audit = list.items;
  return (
    <section aria-labelledby="audit-heading" className="section">
      <h2 id="audit-heading">Audit timeline</h2>
      {audit.length === 0 ? (
        <p className="subtle">The app has not acted on this release yet.</p>
      ) : (
        <ol className="timeline" aria-label="Audit timeline">
          {audit.map((entry, index) => (
            <li key={`${entry.at}-${index}`}>
              <time dateTime={entry.at} className="subtle">
                {formatTime(entry.at)}
              </time>{' '}
              <strong>{entry.actor}</strong> {entry.action}
              {entry.detail && <div className="subtle">{entry.detail}</div>}
            </li>
          ))}
        </ol>
      )}
      <LoadMore list={list} what="audit entries" />
    </section>
  );
}
