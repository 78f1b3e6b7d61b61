import type { CompositionView, ReleaseView } from '../../../../../src/contract';
import { Notice } from '../../components/states';
import { formatTime } from '../../format';

const count = (n: number): string => n.toLocaleString('en');
const counted = (n: number, one: string): string => `${count(n)} ${n === 1 ? one : `${one}s`}`;

/** One labelled bar: a native <progress>, so assistive tech reads the value and its maximum. */
function ProgressRow({ id, label, value, max }: { id: string; label: string; value: number; max: number }) {
  const known = max > 0;
  return (
    <div className="progress-row">
      <label htmlFor={id}>{label}</label>
      <progress id={id} value={known ? Math.min(value, max) : undefined} max={known ? max : undefined} />
      <span className="subtle">{known ? `${count(value)} of ${count(max)}` : 'starting…'}</span>
    </div>
  );
}

/** A large candidate being composed in the background: what is done so far, and why nothing can be approved yet. */
export function CompositionSection({ composition }: { composition: CompositionView }) {
  const { progress } = composition;
  return (
    <section aria-labelledby="composition-heading" className="section composition">
      <h2 id="composition-heading">Composing the candidate</h2>
      <p>
        Asked by {composition.by} at <time dateTime={composition.since}>{formatTime(composition.since)}</time>. This
        candidate is too large to compose in one call, so the app reads its commits from GitHub and looks up their Jira
        issues in Kosli in the background. Approvals open once its content is recorded; this page follows along.
      </p>
      <ProgressRow
        id="composition-pages"
        label="Commit pages read from GitHub"
        value={progress?.pagesRead ?? 0}
        max={progress?.pagesTotal ?? 0}
      />
      <ProgressRow
        id="composition-lookups"
        label="Commit batches looked up in Kosli"
        value={progress?.lookupsDone ?? 0}
        max={progress?.lookupsTotal ?? 0}
      />
      {progress && (
        <p className="subtle">
          {count(progress.appsListed)} of {counted(progress.apps, 'app')} listed · {counted(progress.commits, 'commit')}{' '}
          · {counted(progress.keysFound, 'Jira issue')} found · last news at{' '}
          <time dateTime={composition.updatedAt}>{formatTime(composition.updatedAt)}</time>
        </p>
      )}
      {composition.error && (
        <Notice appearance="warning" title="The last attempt stopped">
          <p>
            {composition.error} The app tries again on its own and continues from what it had read (attempt{' '}
            {composition.attempts}); Create / refresh candidate on the Releases page tries at once.
          </p>
        </Notice>
      )}
    </section>
  );
}

/** The release's fix version is written to its issues in batches; a large candidate takes minutes. */
export function FixVersionsProgress({ release }: { release: ReleaseView }) {
  const { written, pending } = release.fixVersions;
  if (pending === 0) return null;
  return (
    <div className="fix-versions" role="status">
      <ProgressRow
        id="fix-versions"
        label={`Adding ${release.name} as fix version to its issues`}
        value={written}
        max={written + pending}
      />
    </div>
  );
}
