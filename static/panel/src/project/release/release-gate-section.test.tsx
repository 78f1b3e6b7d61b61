import { fake, fail, ok } from '../../test/fake-bridge';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../test/harness';
import { aGateView, aReleaseView, CONTENT_HASH, SHA_BACKEND, SHA_PROD } from '../../test/builders';

const openRelease = async (release = aReleaseView()) => {
  fake.answer('release/get', ok(release));
  renderApp({ path: `/release/${release.versionId}` });
  await screen.findByRole('heading', { level: 1, name: release.name });
};

const gateSection = () => {
  const element = screen.getByRole('heading', { level: 2, name: /Rollback|Release path/ }).closest('section');
  if (!element) throw new Error('No gate section');
  return within(element);
};

describe('the release page: rollbacks, partial releases and emergencies', () => {
  it('shows nothing extra for an ordinary open release', async () => {
    await openRelease();
    expect(screen.queryByRole('heading', { level: 2, name: /Rollback|Release path/ })).toBeNull();
  });

  it('says a rollback restores which release, from which, and why', async () => {
    await openRelease(
      aReleaseView({
        gate: aGateView({
          kind: 'rollback',
          rollback: {
            toVersionId: '10000',
            toVersionName: 'v1',
            fromVersionId: '10002',
            fromVersionName: 'v2',
            reason: 'Checkout errors',
            requestedBy: 'Dana Developer',
            requestedAt: '2025-06-02T10:00:00.000Z',
          },
          approvalReasonRequired: true,
        }),
      }),
    );
    const gate = gateSection();
    expect(gate.getByText('Rollback of prod to v1')).toBeTruthy();
    expect(gate.getByText(/Restores what v1 shipped, replacing v2/).textContent).toContain('“Checkout errors”');
    expect(gate.getByText('Each approval of this rollback must say why.')).toBeTruthy();
  });

  it('lists the apps held back from a partial release and why', async () => {
    await openRelease(
      aReleaseView({
        gate: aGateView({
          heldBack: [
            {
              app: 'frontend',
              stagingCommit: SHA_BACKEND,
              prodCommit: SHA_PROD,
              chosenBy: 'Dana Developer',
              reason: 'Not chosen for this release.',
            },
          ],
        }),
      }),
    );
    const item = gateSection().getByText('frontend').closest('li');
    expect(item?.textContent).toContain('Not chosen for this release.');
    expect(item?.textContent).toContain('Dana Developer');
  });

  it('marks an emergency release, and lets a group member ship one with a reason', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease(aReleaseView({ gate: aGateView({ emergencyAvailable: { groupName: 'Incident commanders' } }) }));
    const button = gateSection().getByRole('button', { name: 'Ship as an emergency' });
    expect(button.hasAttribute('disabled')).toBe(true);
    fake.answer(
      'release/emergency',
      ok(
        aReleaseView({
          state: 'approved',
          gate: aGateView({
            emergency: {
              approver: 'Omar Owner',
              groupName: 'Incident commanders',
              reason: 'Prod down',
              at: '2025-06-02T10:00:00.000Z',
            },
          }),
        }),
      ),
    );
    await user.type(screen.getByLabelText(/Why can this not wait/), 'Prod down');
    await user.click(button);
    expect(fake.invocationsOf('release/emergency')).toEqual([
      { versionId: '10001', contentHash: CONTENT_HASH, reason: 'Prod down' },
    ]);
    expect(await screen.findByText('Emergency release')).toBeTruthy();
  });

  it('opens a rollback to a released version with a reason, and shows a refusal clearly', async () => {
    const user = userEvent.setup({ delay: null });
    await openRelease(aReleaseView({ state: 'released', released: true, gate: aGateView({ rollbackTarget: true }) }));
    await user.click(gateSection().getByRole('button', { name: 'Roll back prod to this release' }));
    fake.answer('release/rollback', fail('NO_PROVENANCE', 'Kosli no longer knows the backend artifact a1b2c3d4e5f6.'));
    await user.type(screen.getByLabelText(/Why must prod go back/), 'Checkout errors');
    await user.click(screen.getByRole('button', { name: 'Open the rollback' }));
    expect(fake.invocationsOf('release/rollback')).toEqual([{ versionId: '10001', reason: 'Checkout errors' }]);
    expect(await screen.findByText('Prod cannot be rolled back to this release')).toBeTruthy();
    expect(screen.getByText('Kosli no longer knows the backend artifact a1b2c3d4e5f6.')).toBeTruthy();
  });

  it('asks every approver of a rollback for the reason its policy requires', async () => {
    const user = userEvent.setup({ delay: null });
    const rollback = aGateView({
      kind: 'rollback',
      rollback: {
        toVersionId: '10000',
        toVersionName: 'v1',
        fromVersionId: null,
        fromVersionName: null,
        reason: 'Checkout errors',
        requestedBy: 'Dana Developer',
        requestedAt: '2025-06-02T10:00:00.000Z',
      },
      approvalReasonRequired: true,
    });
    await openRelease(aReleaseView({ gate: rollback }));
    fake.answer('release/decide', ok(aReleaseView({ gate: rollback })));
    await user.click(screen.getByRole('button', { name: 'Approve (1 of 2)' }));
    const dialog = within(screen.getByRole('dialog'));
    const approve = dialog.getByRole('button', { name: 'Approve' });
    expect(approve.hasAttribute('disabled')).toBe(true);
    await user.type(dialog.getByLabelText(/Reason \(required/), 'Confirmed with support');
    await user.click(approve);
    expect(fake.invocationsOf('release/decide')).toEqual([
      { versionId: '10001', decision: 'approved', reason: 'Confirmed with support', contentHash: CONTENT_HASH },
    ]);
  });
});
