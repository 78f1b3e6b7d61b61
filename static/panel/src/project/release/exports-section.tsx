import { call } from '../../api';
import type { ExportResult } from '../../../../../src/contract';
import { Notice, nextStep } from '../../components/states';
import { downloadFile } from '../../download';
import { useAction } from '../../use-load';

const save = (file: ExportResult) => downloadFile(file.filename, file.mimeType, file.content);

/** An export comes in parts (each under the resolver's answer limit): ask for each in turn and join them here. */
async function wholeExport(versionId: string, format: 'notes' | 'audit'): Promise<ExportResult> {
  const first = await call('release/export', { versionId, format });
  const parts = [first.content];
  for (let cursor = first.nextCursor; cursor !== null;) {
    const part = await call('release/export', { versionId, format, cursor });
    parts.push(part.content);
    cursor = part.nextCursor;
  }
  return { filename: first.filename, mimeType: first.mimeType, content: parts.join('') };
}

export function ExportsSection({ versionId }: { versionId: string }) {
  const notes = useAction(() => wholeExport(versionId, 'notes'), save);
  const audit = useAction(() => wholeExport(versionId, 'audit'), save);
  const failed =
    notes.state.status === 'failed' ? notes.state.error : audit.state.status === 'failed' ? audit.state.error : null;

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
