/**
 * The emergency path: off by default; when an admin enables it, one member of the named group ships
 * a release alone with a mandatory reason, and the release is marked in Kosli, on the page, in the
 * audit and in the compliance report.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../../src/release/config';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { DEV, errorOf, ok, PO1, PO2, prepareCandidate, prodDispatches, untilSettled } from '../support/flow';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const onCall = (config: ProjectConfig) => {
  config.emergency = { enabled: true, groupName: 'Incident commanders', approvers: [PO2] };
};

describe('emergency release', () => {
  it('is refused while the path is off (the default)', async () => {
    const w = await startWorld();
    world = w;
    const { versionId, contentHash } = await prepareCandidate(w);
    const refused = errorOf(
      await w.invoke(PO2, 'release/emergency', { versionId, contentHash, reason: 'Prod is down' }),
    );
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toContain('emergency path is off');
    expect(ok(await w.invoke(PO2, 'release/get', { versionId })).gate.emergencyAvailable).toBeNull();
  });

  it('ships on one approval of the group with a reason, marked everywhere', async () => {
    const w = await startWorld({ adjustConfig: onCall });
    world = w;
    w.github.world.settleAfterMs = 10;
    const { versionId, contentHash } = await prepareCandidate(w);
    expect(ok(await w.invoke(PO2, 'release/get', { versionId })).gate.emergencyAvailable).toEqual({
      groupName: 'Incident commanders',
    });
    expect(ok(await w.invoke(PO1, 'release/get', { versionId })).gate.emergencyAvailable).toBeNull();

    expect(
      errorOf(await w.invoke(PO1, 'release/emergency', { versionId, contentHash, reason: 'Prod is down' })).code,
    ).toBe('FORBIDDEN');
    expect(errorOf(await w.invoke(PO2, 'release/emergency', { versionId, contentHash, reason: ' ' })).code).toBe(
      'INVALID_INPUT',
    );
    expect(
      errorOf(
        await w.invoke(PO2, 'release/emergency', { versionId, contentHash: 'f'.repeat(64), reason: 'Prod is down' }),
      ).code,
    ).toBe('CANDIDATE_STALE');
    ok(
      await w.invoke(PO2, 'release/emergency', { versionId, contentHash, reason: 'Payments fail for every customer' }),
    );
    await untilSettled(w, versionId);

    const view = ok(await w.invoke(PO1, 'release/get', { versionId }));
    expect(view.state).toBe('released');
    expect(prodDispatches(w)).toBe(1);
    expect(view.gate.emergency).toMatchObject({
      approver: 'Omar Owner',
      groupName: 'Incident commanders',
      reason: 'Payments fail for every customer',
    });
    expect(view.audit.find((a) => a.action === 'Emergency approval')?.detail).toContain(
      'EMERGENCY release approved alone as a member of Incident commanders',
    );
    const attestation = JSON.stringify(
      w.kosli.world.trailAttestationsJson(w.config.kosli.releaseFlow, versionId, 'release-approval'),
    );
    expect(attestation).toContain(
      '"emergency":{"approver":"Omar Owner","group":"Incident commanders","reason":"Payments fail for every customer"}',
    );
    expect(attestation).toContain('"Emergency":"Payments fail for every customer"');
    expect(
      ok(await w.invoke(PO1, 'project/overview', {})).recent.find((r) => r.versionId === versionId)?.emergency,
    ).toBe(true);

    const today = new Date().toISOString().slice(0, 10);
    const report = ok(
      await w.invoke(DEV, 'report/compliance', {
        from: `${today}T00:00:00.000Z`,
        to: new Date(Date.now() + 60_000).toISOString(),
      }),
    );
    expect(report.emergencyReleases).toEqual([
      expect.objectContaining({
        versionId,
        approver: 'Omar Owner',
        reason: 'Payments fail for every customer',
        state: 'released',
      }),
    ]);
  });

  it('a decline of the current content still blocks an emergency approval', async () => {
    const w = await startWorld({ adjustConfig: onCall });
    world = w;
    const { versionId, contentHash } = await prepareCandidate(w);
    ok(
      await w.invoke(PO1, 'release/decide', {
        versionId,
        decision: 'declined',
        reason: 'Breaks invoices',
        contentHash,
      }),
    );
    ok(await w.invoke(PO2, 'release/emergency', { versionId, contentHash, reason: 'Prod is down' }));
    await w.drain();
    const view = ok(await w.invoke(PO1, 'release/get', { versionId }));
    expect(view.state).toBe('open');
    expect(view.approvals.satisfied).toBe(false);
    expect(prodDispatches(w)).toBe(0);
  });
});
