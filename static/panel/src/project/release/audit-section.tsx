import type { AuditEntryView } from '../../../../../src/contract';
import { formatTime } from '../../format';

export function AuditSection({ audit }: { audit: AuditEntryView[] }) {
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
    </section>
  );
}
