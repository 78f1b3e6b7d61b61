import { call } from '../../api';
import type { ExportResult } from '../../../../../src/contract';
import { Notice, nextStep } from '../../components/states';
import { downloadFile } from '../../download';
import { useAction } from '../../use-load';

const save = (file: ExportResult) => downloadFile(file.filename, file.mimeType, file.content);

export function ExportsSection({ versionId }: { versionId: string }) {
  const notes = useAction(() => call('release/export', { versionId, format: 'notes' }), save);
  const audit = useAction(() => call('release/export', { versionId, format: 'audit' }), save);
  const failed = notes.state.status === 'failed' ? notes.state.error : audit.state.status === 'failed' ? audit.state.error : null;

  return (
    <section aria-labelledby="exports-heading" className="section">
      <h2 id="exports-heading">Exports</h2>
      <div className="button-row">
        <button type="button" className="button" onClick={notes.run} disabled={notes.state.status === 'running'}>
          {notes.state.status === 'running' ? 'Preparing…' : 'Release notes (Markdown)'}
        </button>
        <button type="button" className="button" onClick={audit.run} disabled={audit.state.status === 'running'}>
          {audit.state.status === 'running' ? 'Preparing…' : 'Audit record (JSON)'}
        </button>
      </div>
      {failed && (
        <Notice appearance="error" title="The export could not be prepared">
          <p>{failed.message}</p>
          <p>{nextStep(failed)}</p>
        </Notice>
      )}
    </section>
  );
}
