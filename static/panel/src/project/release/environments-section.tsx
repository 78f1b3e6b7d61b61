import type { ArtifactCell, EnvironmentRow } from '../../../../../src/contract';
import { MaybeLink } from '../../components/links';
import { Lozenge } from '../../components/lozenge';
import { EmptyState } from '../../components/states';
import { shortFingerprint, shortSha } from '../../format';

export function EnvironmentsSection({ rows }: { rows: EnvironmentRow[] }) {
  return (
    <section aria-labelledby="environments-heading" className="section">
      <h2 id="environments-heading">Environments</h2>
      {rows.length === 0 ? (
        <EmptyState title="No environment has reported yet">
          <p>Kosli shows what runs once each environment reports a snapshot.</p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table env-grid">
            <thead>
              <tr>
                <th scope="col">App</th>
                <th scope="col">Dev</th>
                <th scope="col">Staging</th>
                <th scope="col">Prod</th>
                <th scope="col">Differences</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.app}>
                  <th scope="row">{row.app}</th>
                  <Cell cell={row.dev} changed={false} />
                  <Cell cell={row.staging} changed={row.devDiffersFromStaging || row.stagingDiffersFromProd} />
                  <Cell cell={row.prod} changed={false} />
                  <td>
                    <Differences row={row} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Cell({ cell, changed }: { cell: ArtifactCell | null; changed: boolean }) {
  if (!cell) return <td className="subtle">Not running</td>;
  return (
    <td className={changed ? 'env-cell env-cell-changed' : 'env-cell'}>
      <MaybeLink href={cell.kosliUrl}>
        <code title={cell.fingerprint}>{shortFingerprint(cell.fingerprint)}</code>
      </MaybeLink>
      {cell.commit && <span className="subtle"> ({shortSha(cell.commit)})</span>}
      {cell.compliant === false && (
        <div>
          <Lozenge appearance="removed">Non-compliant</Lozenge>
        </div>
      )}
    </td>
  );
}

function Differences({ row }: { row: EnvironmentRow }) {
  const marks: { label: string; warn: boolean }[] = [];
  if (row.devDiffersFromStaging) marks.push({ label: 'Dev ≠ Staging', warn: false });
  if (row.stagingDiffersFromProd) marks.push({ label: 'Staging ≠ Prod', warn: false });
  if (row.stagingDiffersFromCandidate) marks.push({ label: 'Staging no longer runs the candidate', warn: true });
  if (marks.length === 0) return <span className="subtle">Same everywhere</span>;
  return (
    <ul className="plain-list">
      {marks.map((mark) => (
        <li key={mark.label}>{mark.warn ? <Lozenge appearance="moved">{mark.label}</Lozenge> : mark.label}</li>
      ))}
    </ul>
  );
}
